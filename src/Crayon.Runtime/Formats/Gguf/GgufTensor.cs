using System.Buffers;
using System.Runtime.InteropServices;

namespace Crayon.Formats.Gguf;

/// <summary>
/// A tensor with its bytes. F32, F16 and BF16 data convert to and from float; every other type is
/// carried as raw bytes whose length the type's block geometry fixes.
/// </summary>
public sealed class GgufTensor
{
    public GgufTensor(GgufTensorInfo info, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (data.Length != info.ByteSize)
            throw new ArgumentException($"tensor '{info.Name}' holds {data.Length} bytes; {info} needs {info.ByteSize}", nameof(data));
        Info = info;
        Data = data;
    }

    public GgufTensorInfo Info { get; }

    /// <summary>The tensor's bytes, exactly as stored in the file.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    public string Name => Info.Name;
    public GgmlType Type => Info.Type;
    public IReadOnlyList<long> Dimensions => Info.Dimensions;

    public static bool IsFloatType(GgmlType type) => type is GgmlType.F32 or GgmlType.F16 or GgmlType.BF16;

    /// <summary>Stores float values as F32, F16 or BF16.</summary>
    public static GgufTensor FromFloat32(string name, ReadOnlySpan<long> dimensions, ReadOnlySpan<float> values, GgmlType storage = GgmlType.F32)
    {
        var info = new GgufTensorInfo(name, dimensions, storage);
        if (values.Length != info.ElementCount)
            throw new ArgumentException($"tensor '{name}': {values.Length} values given for {info.ElementCount} elements");
        var bytes = new byte[info.ByteSize];
        EncodeFloats(storage, values, bytes, name);
        return new GgufTensor(info, bytes);
    }

    /// <summary>The values as float32 (F32, F16 and BF16 tensors only).</summary>
    public float[] ToFloat32()
    {
        if (Info.ElementCount > Array.MaxLength)
            throw new NotSupportedException($"tensor '{Name}' has {Info.ElementCount} elements, more than one array can hold");
        var values = new float[Info.ElementCount];
        CopyToFloat32(values);
        return values;
    }

    public void CopyToFloat32(Span<float> destination)
    {
        if (destination.Length != Info.ElementCount)
            throw new ArgumentException($"tensor '{Name}' has {Info.ElementCount} elements; the destination holds {destination.Length}");
        DecodeFloats(Type, Data.Span, destination, Name);
    }

    /// <summary>F32 data viewed in place, without a copy.</summary>
    public ReadOnlySpan<float> AsFloat32Span() =>
        Type == GgmlType.F32 ? MemoryMarshal.Cast<byte, float>(Data.Span) : throw NotFloat(Type, Name, "viewed as float32 in place");

    /// <summary>Writes float values in a storage type to a stream: F32 straight from the span, F16/BF16 through a
    /// pooled chunk buffer, so tensor data can be streamed without a full converted copy.</summary>
    public static void WriteFloats(Stream stream, ReadOnlySpan<float> values, GgmlType storage)
    {
        if (!IsFloatType(storage)) throw NotFloat(storage, "stream", "written from float32");
        if (storage == GgmlType.F32)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        const int chunk = 1 << 14;
        var buffer = ArrayPool<byte>.Shared.Rent(chunk * 2);
        try
        {
            for (var start = 0; start < values.Length; start += chunk)
            {
                var part = values.Slice(start, Math.Min(chunk, values.Length - start));
                EncodeFloats(storage, part, buffer, "stream");
                stream.Write(buffer, 0, part.Length * 2);
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buffer); }
    }

    internal static void EncodeFloats(GgmlType storage, ReadOnlySpan<float> values, Span<byte> destination, string name)
    {
        switch (storage)
        {
            case GgmlType.F32: MemoryMarshal.AsBytes(values).CopyTo(destination); break;
            case GgmlType.F16: FloatFormats.SingleToF16Bytes(values, destination); break;
            case GgmlType.BF16: FloatFormats.SingleToBf16Bytes(values, destination); break;
            default: throw NotFloat(storage, name, "written from float32");
        }
    }

    internal static void DecodeFloats(GgmlType type, ReadOnlySpan<byte> source, Span<float> destination, string name)
    {
        switch (type)
        {
            case GgmlType.F32: FloatFormats.F32BytesToSingle(source, destination); break;
            case GgmlType.F16: FloatFormats.F16BytesToSingle(source, destination); break;
            case GgmlType.BF16: FloatFormats.Bf16BytesToSingle(source, destination); break;
            default: throw NotFloat(type, name, "converted to float32");
        }
    }

    private static NotSupportedException NotFloat(GgmlType type, string name, string what) =>
        new($"tensor '{name}' is {GgmlTypeTraits.NameOf(type)}; only f32, f16 and bf16 can be {what}");

    public override string ToString() => Info.ToString();
}
