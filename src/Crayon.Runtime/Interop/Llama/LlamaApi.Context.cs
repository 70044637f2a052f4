using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

internal static partial class LlamaApi
{
    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial LlamaContextParams llama_context_default_params();

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_init_from_model(SafeLlamaModelHandle model, LlamaContextParams parameters);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_free(IntPtr context);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial uint llama_n_ctx(SafeLlamaContextHandle context);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial uint llama_n_batch(SafeLlamaContextHandle context);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial uint llama_n_ubatch(SafeLlamaContextHandle context);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_decode(SafeLlamaContextHandle context, LlamaBatch batch);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial float* llama_get_logits_ith(SafeLlamaContextHandle context, int i);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial float* llama_get_embeddings_ith(SafeLlamaContextHandle context, int i);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_get_memory(SafeLlamaContextHandle context);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_memory_clear(IntPtr memory, [MarshalAs(UnmanagedType.U1)] bool data);

    [LibraryImport(NativeLibraryNames.Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_memory_seq_rm(IntPtr memory, int seqId, int p0, int p1);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_memory_seq_pos_max(IntPtr memory, int seqId);
}
