using System.Runtime.InteropServices;

namespace Crayon.Interop.Blend;

/// <summary>A pool resident in the engine's memory: upload, blend, read back. Pins managed memory per call.</summary>
internal sealed unsafe class NativePool : IDisposable
{
    private readonly PoolHandle handle;

    public NativePool(PoolHandle handle, int adapterCount, int tensorCount)
    {
        this.handle = handle;
        AdapterCount = adapterCount;
        TensorCount = tensorCount;
    }

    public int AdapterCount { get; }
    public int TensorCount { get; }

    /// <summary>Uploads all tensors of one adapter, in pool order.</summary>
    public void Upload(int adapter, IReadOnlyList<float[]> tensors)
    {
        using var pinned = new PinnedArrays(tensors);
        BlendErrors.Check(BlendNative.crayon_pool_upload(handle, (uint)adapter, 0, (uint)tensors.Count, pinned.Pointers),
                          $"uploading adapter {adapter}");
    }

    /// <summary>A stored tensor as floats (after the storage type's rounding).</summary>
    public float[] ReadTensor(int adapter, int tensor, long elements)
    {
        var values = new float[elements];
        fixed (float* output = values)
            BlendErrors.Check(BlendNative.crayon_pool_read_tensor(handle, (uint)adapter, (uint)tensor, output, (ulong)elements),
                              $"reading tensor {tensor} of adapter {adapter}");
        return values;
    }

    public long OutputElements(uint mode, int selectionCount, int tensor)
    {
        BlendErrors.Check(BlendNative.crayon_pool_output_elements(handle, mode, (uint)selectionCount, (uint)tensor, out var elements),
                          "sizing the blend output");
        return (long)elements;
    }

    /// <summary>Blends; when <paramref name="outputs"/> is given (one array per tensor) the result is read back into it.</summary>
    public NativeBlendTimings Blend(uint mode, ReadOnlySpan<float> weights, ReadOnlySpan<uint> selection, IReadOnlyList<float[]>? outputs,
                                    NativeMergeParameters merge = default)
    {
        var timings = new NativeBlendTimings { StructSize = (uint)sizeof(NativeBlendTimings) };
        using var pinned = outputs is null ? null : new PinnedArrays(outputs);
        var countArray = outputs is null ? null : new ulong[outputs.Count];
        if (outputs is not null)
            for (var t = 0; t < outputs.Count; t++) countArray![t] = (ulong)outputs[t].LongLength;
        fixed (float* weightPointer = weights)
        fixed (uint* selectionPointer = selection)
        fixed (ulong* countPointer = countArray)
        {
            var request = Request(mode, weightPointer, weights.Length, selectionPointer, selection.Length, merge);
            BlendErrors.Check(BlendNative.crayon_blend(handle, in request, pinned is null ? null : pinned.Pointers, countPointer, ref timings),
                              "blending");
        }
        return timings;
    }

    /// <summary>
    /// Blends into <paramref name="image"/>: tensor t at byte <paramref name="offsets"/>[t], in <paramref name="storage"/> (f32 or f16).
    /// With <paramref name="landing"/>, chunk by chunk (at most <paramref name="chunkBytes"/> each, 0 = the library's default); an
    /// exception thrown by the landing action is rethrown as is once the device is idle.
    /// </summary>
    public NativeBlendTimings BlendToImage(uint mode, ReadOnlySpan<float> weights, ReadOnlySpan<uint> selection, Span<byte> image,
                                           ReadOnlySpan<ulong> offsets, uint storage, ImageLanding? landing = null, ulong chunkBytes = 0,
                                           NativeMergeParameters merge = default)
    {
        var timings = new NativeBlendTimings { StructSize = (uint)sizeof(NativeBlendTimings) };
        fixed (float* weightPointer = weights)
        fixed (uint* selectionPointer = selection)
        fixed (byte* imagePointer = image)
        fixed (ulong* offsetPointer = offsets)
        {
            var request = Request(mode, weightPointer, weights.Length, selectionPointer, selection.Length, merge);
            var target = new NativeHostImage
            {
                StructSize = (uint)sizeof(NativeHostImage),
                Storage = storage,
                Base = imagePointer,
                Bytes = (ulong)image.Length,
                TensorOffsets = offsetPointer,
                Landed = landing is null ? null : ImageLanding.Callback,
                LandedUser = landing is null ? null : landing.User,
                ChunkBytes = chunkBytes,
            };
            var status = BlendNative.crayon_blend_to_image(handle, in request, in target, ref timings);
            if (status == (int)BlendStatus.Stopped) landing?.RethrowFailure();
            BlendErrors.Check(status, "blending into an image");
        }
        return timings;
    }

    private static NativeBlendRequest Request(uint mode, float* weights, int weightCount, uint* selection, int selectionCount,
                                              NativeMergeParameters merge) => new()
    {
        Density = merge.Density,
        MajoritySign = merge.MajoritySign,
        Seed = merge.Seed,
        StructSize = (uint)sizeof(NativeBlendRequest),
        Mode = mode,
        Weights = weights,
        WeightCount = (uint)weightCount,
        SelectionCount = (uint)selectionCount,
        Selection = selection,
    };

    /// <summary>Testing hook: fill the device output buffer with <paramref name="value"/>.</summary>
    public void PoisonOutput(float value) =>
        BlendErrors.Check(BlendNative.crayon_testing_poison_output(handle, value), "poisoning the blend output");

    public void Dispose() => handle.Dispose();

    /// <summary>Pins a list of arrays for one native call and exposes their addresses.</summary>
    private sealed class PinnedArrays : IDisposable
    {
        private readonly GCHandle[] handles;
        private readonly IntPtr pointers;

        public PinnedArrays(IReadOnlyList<float[]> arrays)
        {
            handles = new GCHandle[arrays.Count];
            pointers = Marshal.AllocHGlobal(IntPtr.Size * Math.Max(1, arrays.Count));
            for (var i = 0; i < arrays.Count; i++)
            {
                handles[i] = GCHandle.Alloc(arrays[i], GCHandleType.Pinned);
                ((IntPtr*)pointers)[i] = handles[i].AddrOfPinnedObject();
            }
        }

        public float** Pointers => (float**)pointers;

        public void Dispose()
        {
            foreach (var h in handles)
                if (h.IsAllocated) h.Free();
            Marshal.FreeHGlobal(pointers);
        }
    }
}
