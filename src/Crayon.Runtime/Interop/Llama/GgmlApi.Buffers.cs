using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>ggml-backend functions that rewrite an adapter's tensors where llama.cpp keeps them (see <see cref="Crayon.Llama.AdapterTensorImage"/>).</summary>
internal static partial class GgmlApi
{
    /// <summary>Copies host memory into a tensor on whichever backend holds it; one transfer per call.</summary>
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial void ggml_backend_tensor_set(GgmlTensor* tensor, void* data, nuint offset, nuint size);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_backend_buffer_get_base(IntPtr buffer);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial nuint ggml_backend_buffer_get_size(IntPtr buffer);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_backend_buffer_get_type(IntPtr buffer);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool ggml_backend_buffer_is_host(IntPtr buffer);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_backend_buft_get_device(IntPtr bufferType);

    /// <summary>The device's pinned host memory type (null when it has none): uploads from it skip a staging copy.</summary>
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_backend_dev_host_buffer_type(IntPtr device);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_backend_buft_alloc_buffer(IntPtr bufferType, nuint size);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_backend_buffer_free(IntPtr buffer);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial IntPtr ggml_init(GgmlInitParams parameters);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial void ggml_free(IntPtr context);

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static partial nuint ggml_tensor_overhead();

    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial GgmlTensor* ggml_new_tensor_1d(IntPtr context, int type, long elements);

    /// <summary>Places an unallocated tensor at <paramref name="address"/> inside <paramref name="buffer"/> (ggml_status: 0 = success).</summary>
    [LibraryImport(NativeLibraryNames.GgmlBase)]
    public static unsafe partial int ggml_backend_tensor_alloc(IntPtr buffer, GgmlTensor* tensor, IntPtr address);
}

/// <summary>ggml.h: struct ggml_init_params, passed by value to ggml_init.</summary>
[NativeStruct("ggml_init_params")]
[StructLayout(LayoutKind.Sequential)]
internal struct GgmlInitParams
{
#pragma warning disable IDE1006 // field names are ggml.h's, matched by name in the layout test
    public nuint mem_size;
    public IntPtr mem_buffer;
    public byte no_alloc;
#pragma warning restore IDE1006
}
