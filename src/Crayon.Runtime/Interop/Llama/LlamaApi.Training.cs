using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>llama.h "training": llama_opt_init / llama_opt_epoch, and saving a (trained) model.</summary>
internal static partial class LlamaApi
{
    /// <summary>Marks the F32 tensors the filter accepts as trainable (never token_embd) and creates the optimizer. Once per context.</summary>
    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_opt_init(SafeLlamaContextHandle context, SafeLlamaModelHandle model, LlamaOptParams parameters);

    /// <summary>
    /// Trains on datapoints [0, idataSplit) and evaluates [idataSplit, ndata) of the dataset, in the dataset's order.
    /// Callbacks may be null. Every datapoint is one n_ctx window; labels must lie in [0, n_vocab).
    /// </summary>
    [LibraryImport(NativeLibraryNames.Llama)]
    public static unsafe partial void llama_opt_epoch(SafeLlamaContextHandle context, SafeGgmlOptDatasetHandle dataset,
        SafeGgmlOptResultHandle resultTrain, IntPtr resultEval, long idataSplit, IntPtr callbackTrain, IntPtr callbackEval);

    /// <summary>Writes the model as GGUF with metadata regenerated from its hparams (n_ctx_train as llama_opt_init left it).</summary>
    [LibraryImport(NativeLibraryNames.Llama, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void llama_model_save_to_file(SafeLlamaModelHandle model, string path);
}
