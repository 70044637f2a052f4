using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>ggml-opt.h: the dataset and result objects that llama_opt_epoch consumes and fills.</summary>
internal static unsafe partial class GgmlOptApi
{
    public const int TypeI32 = 26;

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_opt_dataset_init(int typeData, int typeLabel, long neDatapoint, long neLabel, long ndata, long ndataShard);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_opt_dataset_free(IntPtr dataset);

    /// <summary>Shape [ne_datapoint, ndata], in a CPU buffer.</summary>
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial GgmlTensor* ggml_opt_dataset_data(SafeGgmlOptDatasetHandle dataset);

    /// <summary>Shape [ne_label, ndata], in a CPU buffer.</summary>
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial GgmlTensor* ggml_opt_dataset_labels(SafeGgmlOptDatasetHandle dataset);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_opt_result_init();

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_opt_result_free(IntPtr result);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_opt_result_reset(SafeGgmlOptResultHandle result);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_opt_result_ndata(SafeGgmlOptResultHandle result, long* ndata);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_opt_result_loss(SafeGgmlOptResultHandle result, double* loss, double* uncertainty);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_opt_result_accuracy(SafeGgmlOptResultHandle result, double* accuracy, double* uncertainty);

    /// <summary>The gradient accumulator of a trainable tensor in the graph being evaluated (valid only during a step).</summary>
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial GgmlTensor* ggml_opt_grad_acc(IntPtr optimizerContext, GgmlTensor* node);
}
