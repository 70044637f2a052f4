using System.Runtime.InteropServices;

using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// A host image of a loaded adapter's factors laid out exactly as llama.cpp keeps them in its backend
/// buffers, so new values reach the device in one transfer per buffer (ggml_backend_tensor_set over a
/// tensor spanning the factors) with no reload: llama.cpp's graph and adapter set stay as they are.
/// llama.cpp allocates an adapter's factors of one buffer type in one buffer, in name order; the span
/// from the first factor to the end of the last may hold alignment padding, which the image keeps as
/// read from the device. The image is pinned memory of the device when the backend offers it (an upload
/// then needs no staging copy), else plain host memory.
/// </summary>
internal sealed unsafe class AdapterTensorImage : IDisposable
{
    private const int SpanAlignment = 64;

    private readonly SafeGgmlContextHandle _spanTensors;
    private readonly SafeGgmlBufferHandle? _pinned;
    private readonly IntPtr _unpinned;
    private readonly (IntPtr Tensor, long ImageOffset, long Bytes)[] _spans;
    private readonly Dictionary<string, long> _offsets;

    private AdapterTensorImage(SafeGgmlContextHandle spanTensors, SafeGgmlBufferHandle? pinned, IntPtr unpinned,
        (IntPtr, long, long)[] spans, Dictionary<string, long> offsets, long bytes, int elementType)
    {
        _spanTensors = spanTensors;
        _pinned = pinned;
        _unpinned = unpinned;
        _spans = spans;
        _offsets = offsets;
        Bytes = bytes;
        ElementType = elementType;
    }

    /// <summary>Bytes of the image (the factors with the padding between them).</summary>
    public long Bytes { get; }

    /// <summary>ggml type of every factor (F16 or F32).</summary>
    public int ElementType { get; }

    /// <summary>True when the image is the device backend's pinned host memory.</summary>
    public bool Pinned => _pinned is not null;

    /// <summary>Byte offset of each factor ("blk.0.attn_q.weight.lora_a", …) in the image.</summary>
    public IReadOnlyDictionary<string, long> Offsets => _offsets;

    public Span<byte> Memory => new((void*)(_pinned?.Base ?? _unpinned), checked((int)Bytes));

    /// <summary>The image of <paramref name="factors"/> (what <see cref="LoraTensorDiscovery"/> found), filled from the device.</summary>
    public static AdapterTensorImage Create(IReadOnlyList<NativeTensor> factors)
    {
        if (factors.Count == 0) throw new InvalidOperationException("the adapter has no factors to rewrite");
        var elementType = ((GgmlTensor*)factors[0].Pointer)->type;
        foreach (var factor in factors) RequireContiguous(factor, elementType);

        var groups = factors.GroupBy(f => ((GgmlTensor*)f.Pointer)->buffer).ToList();
        var context = SafeGgmlContextHandle.ForMetadata(groups.Count);
        var spans = new (IntPtr, long, long)[groups.Count];
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal);
        long imageBytes = 0;
        for (var g = 0; g < groups.Count; g++)
        {
            var buffer = groups[g].Key;
            var begin = groups[g].Min(f => (long)((GgmlTensor*)f.Pointer)->data);
            var end = groups[g].Max(f => (long)((GgmlTensor*)f.Pointer)->data + NativeBytes(f));
            var imageOffset = (imageBytes + SpanAlignment - 1) / SpanAlignment * SpanAlignment;
            var span = GgmlApi.ggml_new_tensor_1d(context.DangerousGetHandle(), GgmlConstants.TypeI8, end - begin);
            if (span is null || GgmlApi.ggml_backend_tensor_alloc(buffer, span, (IntPtr)begin) != 0)
            {
                context.Dispose();
                throw new LlamaNativeException($"could not place a {end - begin}-byte tensor over the adapter's factors in their backend buffer");
            }
            foreach (var factor in groups[g]) offsets[factor.Name] = imageOffset + ((long)((GgmlTensor*)factor.Pointer)->data - begin);
            spans[g] = ((IntPtr)span, imageOffset, end - begin);
            imageBytes = imageOffset + (end - begin);
        }

        var hostType = HostBufferType(groups[0].Key);
        var pinned = hostType == IntPtr.Zero ? null : SafeGgmlBufferHandle.TryAllocate(hostType, imageBytes);
        var unpinned = pinned is null ? (IntPtr)NativeMemory.AlignedAlloc((nuint)imageBytes, 4096) : IntPtr.Zero;
        var image = new AdapterTensorImage(context, pinned, unpinned, spans, offsets, imageBytes, elementType);
        image.Download();
        return image;
    }

    /// <summary>Copies the image to the device (one transfer per backend buffer).</summary>
    public void Upload()
    {
        var baseAddress = (byte*)(_pinned?.Base ?? _unpinned);
        foreach (var (tensor, offset, bytes) in _spans)
            GgmlApi.ggml_backend_tensor_set((GgmlTensor*)tensor, baseAddress + offset, 0, (nuint)bytes);
    }

    /// <summary>
    /// Copies bytes [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="bytes"/>) of the image to the device: one
    /// transfer per backend buffer the range touches (one for a chunk of a pipelined swap; ggml-vulkan pays a submission and
    /// a wait per transfer). Image bytes between the buffers' spans are not copied.
    /// </summary>
    public void Upload(long offset, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (offset + bytes > Bytes) throw new ArgumentOutOfRangeException(nameof(bytes), $"bytes {offset}..{offset + bytes} are outside the {Bytes}-byte image");
        var baseAddress = (byte*)(_pinned?.Base ?? _unpinned);
        foreach (var (tensor, spanOffset, spanBytes) in _spans)
        {
            var begin = Math.Max(offset, spanOffset);
            var end = Math.Min(offset + bytes, spanOffset + spanBytes);
            if (begin < end) GgmlApi.ggml_backend_tensor_set((GgmlTensor*)tensor, baseAddress + begin, (nuint)(begin - spanOffset), (nuint)(end - begin));
        }
    }

    /// <summary>Copies what the device holds into the image.</summary>
    public void Download()
    {
        var baseAddress = (byte*)(_pinned?.Base ?? _unpinned);
        foreach (var (tensor, offset, bytes) in _spans)
            GgmlApi.ggml_backend_tensor_get((GgmlTensor*)tensor, baseAddress + offset, 0, (nuint)bytes);
    }

    private static IntPtr HostBufferType(IntPtr buffer)
    {
        if (GgmlApi.ggml_backend_buffer_is_host(buffer)) return IntPtr.Zero; // CPU memory already: no pinning to gain
        var device = GgmlApi.ggml_backend_buft_get_device(GgmlApi.ggml_backend_buffer_get_type(buffer));
        return device == IntPtr.Zero ? IntPtr.Zero : GgmlApi.ggml_backend_dev_host_buffer_type(device);
    }

    private static long NativeBytes(NativeTensor factor) => factor.ElementCount * (((GgmlTensor*)factor.Pointer)->type == GgmlConstants.TypeF32 ? 4 : 2);

    private static void RequireContiguous(NativeTensor factor, int elementType)
    {
        var t = (GgmlTensor*)factor.Pointer;
        var size = t->type == GgmlConstants.TypeF32 ? 4UL : 2UL;
        if (t->type is not (GgmlConstants.TypeF32 or GgmlConstants.TypeF16) || t->type != elementType)
            throw new NotSupportedException($"factor '{factor.Name}' is of ggml type {t->type}; in-place rewriting needs all factors F16 or all F32");
        if (t->view_src != IntPtr.Zero || t->buffer == IntPtr.Zero || t->data == IntPtr.Zero || t->nb[0] != size || t->nb[1] != (ulong)t->ne[0] * size)
            throw new NotSupportedException($"factor '{factor.Name}' is not a plain contiguous tensor in a backend buffer");
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _spanTensors.Dispose();
        _pinned?.Dispose();
        if (_unpinned != IntPtr.Zero) NativeMemory.AlignedFree((void*)_unpinned);
    }
}
