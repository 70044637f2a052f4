using Crayon.Formats.Gguf;

namespace Crayon.Llama;

internal static partial class AdapterCompatibility
{
    public static void RequireFile(LlamaModel model, string path) =>
        Check(ReadLayout(() => GgufReader.ReadLayout(path), path), model.Layout, path, model.Name);

    public static void Require(LlamaModel model, ReadOnlyMemory<byte> gguf, string name)
    {
        var layout = ReadLayout(() =>
        {
            using var stream = AsStream(gguf);
            return GgufReader.ReadLayout(stream, name);
        }, name);
        Check(layout, model.Layout, name, model.Name);
    }

    private static GgufLayout ReadLayout(Func<GgufLayout> read, string name)
    {
        try { return read(); }
        catch (GgufFormatException e) { throw new InvalidDataException($"adapter '{name}' is not a valid GGUF file: {e.Message}", e); }
    }

    internal static Stream AsStream(ReadOnlyMemory<byte> bytes) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(bytes, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
}
