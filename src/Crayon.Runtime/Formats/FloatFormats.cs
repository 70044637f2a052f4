using System.Buffers.Binary;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Crayon.Formats;

/// <summary>
/// Little-endian float32, float16 (IEEE half) and bfloat16 element conversions shared by the GGUF and
/// safetensors code. F16 goes through System.Numerics.Tensors' vectorised converters; BF16 rounds to
/// nearest-even exactly as ggml_compute_fp32_to_bf16 does, so our files match llama.cpp's.
/// </summary>
public static class FloatFormats
{
    static FloatFormats()
    {
        // Every format here is little-endian on disk; reinterpreting spans relies on a little-endian host.
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Crayon's file formats require a little-endian host");
    }

    public static void F32BytesToSingle(ReadOnlySpan<byte> source, Span<float> destination) =>
        MemoryMarshal.Cast<byte, float>(source)[..destination.Length].CopyTo(destination);

    public static void F16BytesToSingle(ReadOnlySpan<byte> source, Span<float> destination) =>
        TensorPrimitives.ConvertToSingle(MemoryMarshal.Cast<byte, Half>(source)[..destination.Length], destination);

    public static void Bf16BytesToSingle(ReadOnlySpan<byte> source, Span<float> destination)
    {
        var halves = MemoryMarshal.Cast<byte, ushort>(source);
        for (var i = 0; i < destination.Length; i++) destination[i] = BitConverter.Int32BitsToSingle(halves[i] << 16);
    }

    public static void SingleToF16Bytes(ReadOnlySpan<float> source, Span<byte> destination) =>
        TensorPrimitives.ConvertToHalf(source, MemoryMarshal.Cast<byte, Half>(destination)[..source.Length]);

    public static void SingleToBf16Bytes(ReadOnlySpan<float> source, Span<byte> destination)
    {
        for (var i = 0; i < source.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], SingleToBf16(source[i]));
    }

    public static ushort SingleToBf16(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) return (ushort)((bits >> 16) | 64); // NaN: keep it quiet
        return (ushort)((bits + (0x7fff + ((bits >> 16) & 1))) >> 16);
    }
}
