using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>llama.h functions, one partial file per concept. Only what Crayon calls is declared.</summary>
internal static partial class LlamaApi
{
    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_backend_init();

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_print_system_info();

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial LlamaModelParams llama_model_default_params();

    [LibraryImport(NativeLibraryNames.Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr llama_model_load_from_file(string path, LlamaModelParams parameters);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_model_load_from_file_ptr(SafeMemoryFileHandle file, LlamaModelParams parameters);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_model_free(IntPtr model);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_model_get_vocab(SafeLlamaModelHandle model);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_model_n_ctx_train(SafeLlamaModelHandle model);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_model_n_embd(SafeLlamaModelHandle model);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_model_n_layer(SafeLlamaModelHandle model);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_model_n_head(SafeLlamaModelHandle model);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_model_n_head_kv(SafeLlamaModelHandle model);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial ulong llama_model_n_params(SafeLlamaModelHandle model);

    [LibraryImport(NativeLibraryNames.Llama)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_model_has_encoder(SafeLlamaModelHandle model);

    [LibraryImport(NativeLibraryNames.Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int llama_model_meta_val_str(SafeLlamaModelHandle model, string key, byte* buffer, nuint bufferSize);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial int llama_model_desc(SafeLlamaModelHandle model, byte* buffer, nuint bufferSize);
}
