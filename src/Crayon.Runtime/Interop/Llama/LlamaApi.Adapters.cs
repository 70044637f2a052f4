using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

internal static partial class LlamaApi
{
    [LibraryImport(NativeLibraryNames.Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr llama_adapter_lora_init(SafeLlamaModelHandle model, string path);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_adapter_lora_init_from_file_ptr(SafeLlamaModelHandle model, SafeMemoryFileHandle file);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_adapter_lora_free(IntPtr adapter);

    /// <summary>Replaces the context's adapter set (a no-op when it is the same set with the same scales).</summary>
    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial int llama_set_adapters_lora(SafeLlamaContextHandle context, IntPtr* adapters, nuint count, float* scales);
}
