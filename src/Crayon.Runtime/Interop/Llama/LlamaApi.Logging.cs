using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

internal static partial class LlamaApi
{
    /// <summary>Also sets ggml's logger (llama_log_set forwards to ggml_log_set).</summary>
    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial void llama_log_set(delegate* unmanaged<int, byte*, IntPtr, void> callback, IntPtr userData);
}
