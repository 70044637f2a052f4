using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>ggml-backend functions the training path needs on top of the host's.</summary>
internal static partial class GgmlApi
{
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial void ggml_backend_tensor_memset(GgmlTensor* tensor, byte value, nuint offset, nuint size);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial nuint ggml_nbytes(GgmlTensor* tensor);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial void ggml_set_param(GgmlTensor* tensor);
}
