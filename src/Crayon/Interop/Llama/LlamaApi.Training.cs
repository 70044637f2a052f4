using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>llama.h training (llama_opt_*) and model saving; the ggml_opt pieces are in <see cref="GgmlApi"/>.</summary>
internal static partial class LlamaApi
{
    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_opt_init(SafeLlamaContextHandle context, SafeLlamaModelHandle model, LlamaOptParams parameters);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_opt_epoch(SafeLlamaContextHandle context, IntPtr dataset, IntPtr resultTrain, IntPtr resultEval,
        long idataSplit, IntPtr callbackTrain, IntPtr callbackEval);

    [LibraryImport(NativeLibraryNames.Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void llama_model_save_to_file(SafeLlamaModelHandle model, string path);
}
