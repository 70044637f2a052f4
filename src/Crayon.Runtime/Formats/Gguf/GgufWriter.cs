using System.Buffers.Binary;
using System.Text;

namespace Crayon.Formats.Gguf;

/// <summary>
/// Writes GGUF v3 the way llama.cpp's gguf_write_to_file does: header, metadata, tensor infos, zero
/// padding to the alignment, then each tensor's bytes padded to the alignment, tensors in the order
/// given with offsets assigned sequentially. A file read by <see cref="GgufReader"/> and written back
/// unchanged is byte-identical when its writer followed the same canonical layout (llama.cpp and gguf-py do).
/// </summary>
public static class GgufWriter
{
    /// <summary>Writes one tensor's bytes (exactly info.ByteSize of them) into <paramref name="destination"/>.</summary>
    public delegate void TensorDataWriter(int index, GgufTensorInfo info, Stream destination);

    public static void Write(Stream destination, GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        Write(destination, file.Metadata, file.Tensors.Select(t => t.Info).ToArray(),
            (i, _, s) => s.Write(file.Tensors[i].Data.Span), file.Version);
    }

    /// <summary>The complete file as one byte array, sized exactly up front (for in-memory loading into llama.cpp).</summary>
    public static byte[] ToBytes(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var size = MeasureSize(file.Metadata, file.Tensors.Select(t => t.Info).ToArray());
        if (size > Array.MaxLength) throw new InvalidOperationException($"a {size}-byte GGUF image does not fit in one array");
        var image = new byte[size];
        using var stream = new MemoryStream(image, writable: true);
        Write(stream, file);
        return image;
    }

    /// <summary>Writes to <paramref name="path"/> through a temporary file, so a failure never leaves a partial file behind.</summary>
    public static void WriteFile(string path, GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        WriteFile(path, file.Metadata, file.Tensors.Select(t => t.Info).ToArray(),
            (i, _, s) => s.Write(file.Tensors[i].Data.Span), file.Version);
    }

    /// <summary>Streams tensors produced on demand, so a large model is never held in memory whole.</summary>
    public static void WriteFile(string path, GgufMetadata metadata, IReadOnlyList<GgufTensorInfo> tensors, TensorDataWriter writeData, uint version = GgufFile.CurrentVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var temp = AtomicFile.TemporaryPathFor(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 20))
                Write(stream, metadata, tensors, writeData, version);
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The core writer: header and tensor infos from the arguments, tensor bytes from <paramref name="writeData"/>.</summary>
    public static void Write(Stream destination, GgufMetadata metadata, IReadOnlyList<GgufTensorInfo> tensors, TensorDataWriter writeData, uint version = GgufFile.CurrentVersion)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(writeData);
        if (version is not (2 or 3)) throw new ArgumentOutOfRangeException(nameof(version), version, "GGUF versions 2 and 3 can be written");
        var alignment = GgufLayout.AlignmentOf(metadata);
        CheckUniqueNames(tensors);

        var output = new CountingStream(destination);
        WriteHeader(output, metadata, tensors, version, alignment);
        Pad(output, alignment);
        for (var i = 0; i < tensors.Count; i++)
        {
            var before = output.Written;
            writeData(i, tensors[i], output);
            var wrote = output.Written - before;
            if (wrote != tensors[i].ByteSize)
                throw new InvalidOperationException($"tensor '{tensors[i].Name}': {wrote} bytes were written, {tensors[i]} needs {tensors[i].ByteSize}");
            Pad(output, alignment);
        }
        output.Flush();
    }

    /// <summary>The exact size in bytes of the file these arguments produce.</summary>
    public static long MeasureSize(GgufMetadata metadata, IReadOnlyList<GgufTensorInfo> tensors)
    {
        var alignment = GgufLayout.AlignmentOf(metadata);
        var counter = new CountingStream(Stream.Null);
        WriteHeader(counter, metadata, tensors, GgufFile.CurrentVersion, alignment);
        return GgufLayout.Pad(counter.Written, alignment) + tensors.Sum(t => GgufLayout.Pad(t.ByteSize, alignment));
    }

    private static void WriteHeader(Stream s, GgufMetadata metadata, IReadOnlyList<GgufTensorInfo> tensors, uint version, int alignment)
    {
        s.Write("GGUF"u8);
        U32(s, version);
        U64(s, (ulong)tensors.Count);
        U64(s, (ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            Str(s, Encoding.UTF8.GetBytes(key));
            U32(s, (uint)value.Type);
            WriteValueBody(s, value);
        }
        long offset = 0;
        foreach (var t in tensors)
        {
            Str(s, Encoding.UTF8.GetBytes(t.Name));
            U32(s, (uint)t.Dimensions.Count);
            foreach (var d in t.Dimensions) U64(s, (ulong)d);
            U32(s, (uint)t.Type);
            U64(s, (ulong)offset);
            offset += GgufLayout.Pad(t.ByteSize, alignment);
        }
    }

    /// <summary>A value without its type tag; arrays carry element type and count, nested arrays recursively.</summary>
    private static void WriteValueBody(Stream s, GgufValue value)
    {
        if (value.IsArray)
        {
            U32(s, (uint)value.ElementType);
            U64(s, (ulong)value.Count);
        }
        switch (value.RawData)
        {
            case byte[] bytes when value.Type == GgufValueType.String: Str(s, bytes); break;
            case byte[][] strings: foreach (var b in strings) Str(s, b); break;
            case GgufValue[] arrays:
                foreach (var a in arrays) WriteValueBody(s, a);
                break;
            case bool[] flags: foreach (var f in flags) s.WriteByte(f ? (byte)1 : (byte)0); break;
            case bool flag: s.WriteByte(flag ? (byte)1 : (byte)0); break;
            case Array numbers: s.Write(NumericBytes(numbers)); break;
            case var scalar: WriteScalar(s, scalar); break;
        }
    }

    private static ReadOnlySpan<byte> NumericBytes(Array numbers) => numbers switch
    {
        byte[] a => a,
        sbyte[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
        ushort[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
        short[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
        uint[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
        int[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
        float[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
        ulong[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
        long[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
        double[] a => System.Runtime.InteropServices.MemoryMarshal.AsBytes(a.AsSpan()),
        _ => throw new InvalidOperationException($"unexpected array type {numbers.GetType()}"),
    };

    private static void WriteScalar(Stream s, object scalar)
    {
        Span<byte> b = stackalloc byte[8];
        var n = scalar switch
        {
            byte v => Put(b, v),
            sbyte v => Put(b, (byte)v),
            ushort v => Put2(b, v),
            short v => Put2(b, (ushort)v),
            uint v => Put4(b, v),
            int v => Put4(b, (uint)v),
            float v => Put4(b, BitConverter.SingleToUInt32Bits(v)),
            ulong v => Put8(b, v),
            long v => Put8(b, (ulong)v),
            double v => Put8(b, BitConverter.DoubleToUInt64Bits(v)),
            _ => throw new InvalidOperationException($"unexpected scalar {scalar.GetType()}"),
        };
        s.Write(b[..n]);
    }

    private static int Put(Span<byte> b, byte v) { b[0] = v; return 1; }
    private static int Put2(Span<byte> b, ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(b, v); return 2; }
    private static int Put4(Span<byte> b, uint v) { BinaryPrimitives.WriteUInt32LittleEndian(b, v); return 4; }
    private static int Put8(Span<byte> b, ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(b, v); return 8; }

    private static void U32(Stream s, uint v) { Span<byte> b = stackalloc byte[4]; Put4(b, v); s.Write(b); }
    private static void U64(Stream s, ulong v) { Span<byte> b = stackalloc byte[8]; Put8(b, v); s.Write(b); }

    private static void Str(Stream s, byte[] utf8)
    {
        U64(s, (ulong)utf8.Length);
        s.Write(utf8);
    }

    private static readonly byte[] Zeros = new byte[4096];

    private static void Pad(CountingStream s, int alignment)
    {
        for (var padding = GgufLayout.Pad(s.Written, alignment) - s.Written; padding > 0; padding -= Zeros.Length)
            s.Write(Zeros, 0, (int)Math.Min(padding, Zeros.Length));
    }

    private static void CheckUniqueNames(IReadOnlyList<GgufTensorInfo> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t);
            if (!names.Add(t.Name)) throw new ArgumentException($"tensor '{t.Name}' appears twice");
        }
    }
}
