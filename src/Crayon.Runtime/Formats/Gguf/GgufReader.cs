using System.Runtime.InteropServices;

namespace Crayon.Formats.Gguf;

/// <summary>
/// Reads GGUF v3 (and v2, which has the same layout) from a file, a byte image or a stream.
/// Any malformed input ends in <see cref="GgufFormatException"/> naming the source, the field and the limit.
/// </summary>
public static class GgufReader
{
    /// <summary>Reads a whole file: metadata, tensor infos and every tensor's bytes.</summary>
    public static GgufFile Read(string path)
    {
        using var stream = OpenFile(path);
        return Read(stream, path);
    }

    /// <summary>Reads an in-memory GGUF image; tensor data are slices of <paramref name="image"/>, not copies.</summary>
    public static GgufFile Read(ReadOnlyMemory<byte> image, string sourceName = "<memory>")
    {
        var array = MemoryMarshal.TryGetArray(image, out var segment) ? segment : new ArraySegment<byte>(image.ToArray());
        using var stream = new MemoryStream(array.Array!, array.Offset, array.Count, writable: false);
        var layout = ParseLayout(stream, sourceName);
        var data = image[(int)Math.Min(layout.DataOffset, image.Length)..];
        var tensors = layout.Tensors.Select(t => new GgufTensor(t.Info, data.Slice((int)t.Offset, CheckedSize(layout, t))));
        return new GgufFile(layout.Metadata, tensors, layout.Version);
    }

    /// <summary>
    /// Reads from a stream. A seekable stream is read from its current position; a non-seekable one is
    /// first copied into memory (at most <paramref name="maxBytes"/>).
    /// </summary>
    public static GgufFile Read(Stream stream, string sourceName = "<stream>", long maxBytes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) return Read(CopyBounded(stream, sourceName, maxBytes), sourceName);
        var origin = stream.Position;
        var layout = ParseLayout(stream, sourceName);
        var tensors = new List<GgufTensor>(layout.Tensors.Count);
        foreach (var t in layout.Tensors)
        {
            var bytes = new byte[CheckedSize(layout, t)];
            stream.Position = origin + layout.DataOffset + t.Offset;
            stream.ReadExactly(bytes);
            tensors.Add(new GgufTensor(t.Info, bytes));
        }
        return new GgufFile(layout.Metadata, tensors, layout.Version);
    }

    /// <summary>Reads only the header (metadata and tensor placement) of a file of any size.</summary>
    public static GgufLayout ReadLayout(string path)
    {
        using var stream = OpenFile(path);
        return ParseLayout(stream, path);
    }

    /// <summary>Reads only the header from a seekable stream, starting at its current position.</summary>
    public static GgufLayout ReadLayout(Stream stream, string sourceName = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek) throw new ArgumentException("reading a GGUF layout needs a seekable stream", nameof(stream));
        return ParseLayout(stream, sourceName);
    }

    private static GgufLayout ParseLayout(Stream stream, string sourceName) =>
        GgufHeaderParser.Parse(new GgufCursor(stream, sourceName));

    private static int CheckedSize(GgufLayout layout, GgufTensorLocation t) =>
        t.Info.ByteSize <= Array.MaxLength
            ? (int)t.Info.ByteSize
            : throw new GgufFormatException(layout.SourceName, $"tensor '{t.Info.Name}'",
                $"is {t.Info.ByteSize} bytes; tensors over {Array.MaxLength} bytes cannot be loaded into memory (use ReadLayout)");

    private static FileStream OpenFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"GGUF file '{path}' does not exist", path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
    }

    private static byte[] CopyBounded(Stream stream, string sourceName, long maxBytes)
    {
        using var copy = new MemoryStream();
        var buffer = new byte[1 << 16];
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            if (copy.Length + n > maxBytes)
                throw new GgufFormatException(sourceName, "stream", $"is longer than the limit of {maxBytes} bytes");
            copy.Write(buffer, 0, n);
        }
        return copy.ToArray();
    }
}
