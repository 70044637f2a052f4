namespace Crayon.Llama;

internal static partial class AdapterCompatibility
{
    // PENDING: wired to the GGUF reader of src/Crayon/Formats/Gguf once it lands on main.
    public static void RequireFile(LlamaModel model, string path) { }

    public static void Require(LlamaModel model, ReadOnlyMemory<byte> gguf, string name) { }
}
