using System.Security.Cryptography;
using Crayon.Adapters;
using Crayon.Formats.Gguf;

namespace Crayon.Pool.Assembly;

/// <summary>
/// What a pool keeps of an assembled GGUF adapter to write it back byte for byte: the original file's bytes before its
/// tensor data (header, metadata, tensor infos, padding; base64 in the pool's provenance) and the file's length. The
/// tensor data itself comes back from the pool's values, encoded in each tensor's original type at its original
/// offset (the gaps are zero, as GGUF pads). Exact for F32 and F16 tensors: the pool stores F32, which holds every F16
/// value exactly. <see cref="Capture"/> rebuilds the file at assembly time and refuses an input it cannot reproduce, so
/// "byte-identical" is checked when the pool is made, not hoped for at extraction.
/// </summary>
internal sealed record GgufSourceImage(byte[] Header, long Length)
{
    public static GgufSourceImage Capture(byte[] original, LoraAdapter parsed, string source)
    {
        var layout = GgufReader.ReadLayout(new MemoryStream(original, writable: false), source);
        foreach (var tensor in layout.Tensors)
            if (tensor.Info.Type is not (GgmlType.F32 or GgmlType.F16))
                throw new InvalidDataException($"adapter '{source}': tensor '{tensor.Info.Name}' is {tensor.Info.Type}; a pool stores F32 and can give back F32 or F16 tensors byte for byte only (convert it first)");
        var image = new GgufSourceImage(original[..(int)layout.DataOffset], original.LongLength);
        var rebuilt = image.Rebuild(parsed, source);
        if (!rebuilt.AsSpan().SequenceEqual(original))
            throw new InvalidDataException($"adapter '{source}' does not rebuild byte for byte from its header and values (padding that is not zero, or bytes after the last tensor); write it again with `crayon gguf` or llama.cpp's converter");
        return image;
    }

    /// <summary>The original file: its header, then each tensor of <paramref name="adapter"/> in its original type and place.</summary>
    public byte[] Rebuild(LoraAdapter adapter, string source)
    {
        var file = new byte[Length];
        Header.CopyTo(file, 0);
        var layout = GgufReader.ReadLayout(new MemoryStream(file, writable: false), source);
        var values = adapter.Pairs.SelectMany(p => new[] { (p.TensorNameA, p.A.Data), (p.TensorNameB, p.B.Data) }).ToDictionary(t => t.Item1, t => t.Item2);
        foreach (var tensor in layout.Tensors)
        {
            if (!values.TryGetValue(tensor.Info.Name, out var data))
                throw new InvalidDataException($"adapter '{source}': the pool holds no values for tensor '{tensor.Info.Name}'");
            var start = layout.DataOffset + tensor.Offset;
            using var stream = new MemoryStream(file, (int)start, (int)(Length - start), writable: true);
            GgufTensor.WriteFloats(stream, data, tensor.Info.Type);
        }
        return file;
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
