using Crayon.Formats.Gguf;

namespace Crayon.Llama;

internal static partial class AdapterCompatibility
{
    public static void RequireFile(LlamaModel model, string path) =>
        Check(GgufReader.ReadLayout(path), model.Layout, path, model.Name);

    public static void Require(LlamaModel model, ReadOnlyMemory<byte> gguf, string name)
    {
        using var stream = AsStream(gguf);
        Check(GgufReader.ReadLayout(stream, name), model.Layout, name, model.Name);
    }

    internal static Stream AsStream(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
