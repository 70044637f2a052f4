using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>A ggml_context (tensor metadata only, no_alloc), freed with ggml_free.</summary>
internal sealed class SafeGgmlContextHandle : SafeHandle
{
    private SafeGgmlContextHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>A context with room for the metadata of <paramref name="tensors"/> tensors and no data.</summary>
    public static SafeGgmlContextHandle ForMetadata(int tensors)
    {
        var parameters = new GgmlInitParams { mem_size = GgmlApi.ggml_tensor_overhead() * (nuint)Math.Max(1, tensors), no_alloc = 1 };
        var context = GgmlApi.ggml_init(parameters);
        if (context == IntPtr.Zero) throw new LlamaNativeException("ggml_init failed for a metadata-only context");
        var handle = new SafeGgmlContextHandle();
        handle.SetHandle(context);
        return handle;
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        GgmlApi.ggml_free(handle);
        return true;
    }
}

/// <summary>A ggml backend buffer we allocated (e.g. pinned host memory), freed with ggml_backend_buffer_free.</summary>
internal sealed class SafeGgmlBufferHandle : SafeHandle
{
    private SafeGgmlBufferHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>A buffer of <paramref name="bytes"/> of the given buffer type, or null when the backend cannot allocate it.</summary>
    public static SafeGgmlBufferHandle? TryAllocate(IntPtr bufferType, long bytes)
    {
        var buffer = GgmlApi.ggml_backend_buft_alloc_buffer(bufferType, (nuint)bytes);
        if (buffer == IntPtr.Zero) return null;
        var handle = new SafeGgmlBufferHandle();
        handle.SetHandle(buffer);
        return handle;
    }

    public IntPtr Base => GgmlApi.ggml_backend_buffer_get_base(handle);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        GgmlApi.ggml_backend_buffer_free(handle);
        return true;
    }
}
