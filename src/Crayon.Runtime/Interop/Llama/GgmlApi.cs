using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>The few ggml functions Crayon calls: backend loading, device listing, tensor read-back.</summary>
internal static partial class GgmlApi
{
    [LibraryImport(NativeLibraryNames.Ggml, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void ggml_backend_load_all_from_path(string directory);

    [LibraryImport(NativeLibraryNames.Ggml)]
    public static partial nuint ggml_backend_dev_count();

    [LibraryImport(NativeLibraryNames.Ggml)]
    public static partial IntPtr ggml_backend_dev_get(nuint index);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_backend_dev_name(IntPtr device);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_backend_dev_description(IntPtr device);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial int ggml_backend_dev_type(IntPtr device);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_backend_dev_backend_reg(IntPtr device);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_backend_reg_name(IntPtr registry);

    /// <summary>Copies tensor data to host memory from whichever backend holds it (CPU or Vulkan).</summary>
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial void ggml_backend_tensor_get(GgmlTensor* tensor, void* destination, nuint offset, nuint size);

    /// <summary>Called with GGML_ABORT's message just before ggml aborts the process.</summary>
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial IntPtr ggml_set_abort_callback(delegate* unmanaged<byte*, void> callback);
}
