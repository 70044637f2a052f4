using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>ggml-opt.h: datasets and results of llama.cpp's trainer.</summary>
internal static partial class GgmlApi
{
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_opt_dataset_init(int typeData, int typeLabel, long neDatapoint, long neLabel, long ndata, long ndataShard);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_opt_dataset_free(IntPtr dataset);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial GgmlTensor* ggml_opt_dataset_data(IntPtr dataset);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial GgmlTensor* ggml_opt_dataset_labels(IntPtr dataset);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_opt_result_init();

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_opt_result_free(IntPtr result);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_opt_result_reset(IntPtr result);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial void ggml_opt_result_loss(IntPtr result, double* loss, double* uncertainty);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial GgmlOptOptimizerParams ggml_opt_get_default_optimizer_params(IntPtr userData);
}
