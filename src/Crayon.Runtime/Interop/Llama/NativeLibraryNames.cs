namespace Crayon.Interop.Llama;

/// <summary>
/// The names our [LibraryImport]s use. They are deliberately not real file names: the runtime's own
/// probing never finds them, so every load goes through <see cref="LlamaLibraryLoader"/>, which maps
/// them to the files of the configured llama.cpp build (and never to a stray system libllama).
/// </summary>
internal static class NativeLibraryNames
{
    public const string Llama = "crayon-llama";
    public const string Ggml = "crayon-ggml";
    public const string GgmlBase = "crayon-ggml-base";
    public const string LibC = "crayon-libc";
}
