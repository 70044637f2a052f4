using System.Diagnostics;
using Crayon.Adapters;
using Crayon.Interop.Blend;

namespace Crayon.Blending;

/// <summary>
/// An <see cref="AdapterPool"/> uploaded to a <see cref="Blender"/>'s device. Blends write into
/// one persistent device output buffer and are read back into caller memory through a reused
/// staging buffer; nothing is re-uploaded between blends.
/// </summary>
public sealed class ResidentPool : IDisposable
{
    private readonly Blender blender;
    private readonly NativePool native;
    private bool disposed;

    internal ResidentPool(Blender blender, NativePool native, AdapterPool pool, PoolStorage storage)
    {
        this.blender = blender;
        this.native = native;
        Pool = pool;
        Storage = storage;
    }

    public AdapterPool Pool { get; }
    public PoolStorage Storage { get; }

    /// <summary>The blender (device) this pool is resident on.</summary>
    public Blender Blender => blender;

    /// <summary>Blends into a new adapter (see <see cref="BlendRecipe"/> and <see cref="BlendedLoraAlpha"/> for the conventions).</summary>
    /// <param name="weights">One finite weight per adapter of the pool (negative and zero allowed).</param>
    /// <param name="topK">Concat only: how many adapters to stack (largest |w| first); null = all.</param>
    public BlendResult Blend(ReadOnlySpan<float> weights, BlendRecipe mode, int? topK = null)
    {
        var started = Stopwatch.GetTimestamp();
        var chosen = Prepare(weights, mode, topK);
        var output = CreateOutput(mode, chosen.Length);
        var timings = Run(weights, mode, chosen, output, started);
        return new BlendResult(output, chosen, timings);
    }

    /// <summary>
    /// Blends into an existing adapter's arrays (made by <see cref="CreateOutput"/> for the same mode
    /// and number of stacked adapters), so repeated blends allocate nothing.
    /// </summary>
    public BlendTimings BlendInto(ReadOnlySpan<float> weights, BlendRecipe mode, int? topK, LoraAdapter destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var started = Stopwatch.GetTimestamp();
        var chosen = Prepare(weights, mode, topK);
        CheckDestination(destination, mode, chosen.Length);
        return Run(weights, mode, chosen, destination, started);
    }

    /// <summary>
    /// Blends straight into <paramref name="image"/> (tensor t at <paramref name="layout"/>'s offset t, in its element type):
    /// fp16 is converted on the device, so only half the bytes are read back, and nothing is allocated. Bytes of the image
    /// outside the tensors are left as they are.
    /// </summary>
    public BlendTimings BlendInto(ReadOnlySpan<float> weights, BlendRecipe mode, int? topK, Span<byte> image, BlendImageLayout layout) =>
        BlendIntoImage(weights, mode, topK, image, layout, null, 0);

    /// <summary>
    /// Blends into <paramref name="image"/> like the overload without <paramref name="landed"/>, but pipelined: the image lands in
    /// chunks of whole tensors (in ascending offset, each spanning at most <paramref name="chunkBytes"/>; 0 = 1 MiB), and
    /// <paramref name="landed"/> gets them, on this thread, as soon as they are in the image (every chunk complete by then in one
    /// report), while the device goes on reading back the next ones. Work done there (an upload) overlaps the rest of the
    /// read-back. If <paramref name="landed"/> throws, nothing more is reported and the same exception comes out of this call
    /// once the device is idle; later chunks of the image may or may not have been written. <paramref name="landed"/> may not use
    /// this pool or its <see cref="Blender"/>.
    /// </summary>
    public BlendTimings BlendInto(ReadOnlySpan<float> weights, BlendRecipe mode, int? topK, Span<byte> image, BlendImageLayout layout,
                                  Action<LandedChunk> landed, long chunkBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(landed);
        ArgumentOutOfRangeException.ThrowIfNegative(chunkBytes);
        return BlendIntoImage(weights, mode, topK, image, layout, landed, chunkBytes);
    }

    private BlendTimings BlendIntoImage(ReadOnlySpan<float> weights, BlendRecipe mode, int? topK, Span<byte> image, BlendImageLayout layout,
                                        Action<LandedChunk>? landed, long chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(layout);
        var started = Stopwatch.GetTimestamp();
        var chosen = Prepare(weights, mode, topK);
        layout.Validate(Pool.TensorCount);
        Span<ulong> offsets = Pool.TensorCount <= 1024 ? stackalloc ulong[Pool.TensorCount] : new ulong[Pool.TensorCount];
        for (var t = 0; t < offsets.Length; t++) offsets[t] = (ulong)layout.TensorOffsets[t];
        var selection = mode.StacksAdapters ? chosen.Select(i => (uint)i).ToArray() : [];
        using var landing = landed is null ? null : new ImageLanding(landed);
        NativeBlendTimings native;
        lock (blender.Gate)
        {
            ThrowIfUnusable();
            blender.Landing = landing is not null;
            try
            {
                native = this.native.BlendToImage(mode.NativeMode, weights, selection, image, offsets, (uint)layout.ElementType, landing, (ulong)chunkBytes,
                                                  mode.NativeParameters);
            }
            finally
            {
                blender.Landing = false;
            }
        }
        return Timings(native, started);
    }

    /// <summary>Blends and keeps the result in device memory only (what a benchmark of the kernel wants).</summary>
    public BlendTimings BlendOnDevice(ReadOnlySpan<float> weights, BlendRecipe mode, int? topK = null)
    {
        var started = Stopwatch.GetTimestamp();
        var chosen = Prepare(weights, mode, topK);
        return Run(weights, mode, chosen, null, started);
    }

    /// <summary>An adapter shaped for the output of a blend of this mode stacking <paramref name="stacked"/> adapters.</summary>
    public LoraAdapter CreateOutput(BlendRecipe mode, int stacked)
    {
        var rank = Pool.Rank * (mode.StacksAdapters ? stacked : 1);
        var pairs = Pool.Targets.Select(t => new LoraPair(
            t.Name,
            new LoraMatrix(rank, t.InFeatures, GC.AllocateUninitializedArray<float>(checked(rank * t.InFeatures))),
            new LoraMatrix(t.OutFeatures, rank, GC.AllocateUninitializedArray<float>(checked(t.OutFeatures * rank))))).ToArray();
        var metadata = new Dictionary<string, string>
        {
            ["general.name"] = $"crayon {mode.Name} blend of {stacked}",
        };
        return new LoraAdapter(Pool.Architecture, BlendedLoraAlpha.For(Pool, mode, stacked), pairs, metadata);
    }

    /// <summary>A stored tensor (pool order: A then B of each target) as the device holds it, after storage rounding.</summary>
    public float[] ReadStoredTensor(int adapter, int tensor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(adapter);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(adapter, Pool.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(tensor);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(tensor, Pool.TensorCount);
        var target = Pool.Targets[tensor / 2];
        lock (blender.Gate)
        {
            ThrowIfUnusable();
            return native.ReadTensor(adapter, tensor, tensor % 2 == 0 ? target.ElementsA : target.ElementsB);
        }
    }

    /// <summary>Testing hook: fill the device output buffer with <paramref name="value"/> (e.g. NaN).</summary>
    internal void PoisonDeviceOutput(float value)
    {
        lock (blender.Gate)
        {
            ThrowIfUnusable();
            native.PoisonOutput(value);
        }
    }

    private int[] Prepare(ReadOnlySpan<float> weights, BlendRecipe mode, int? topK)
    {
        ArgumentNullException.ThrowIfNull(mode);
        BlendSelection.CheckWeights(weights, Pool.Count);
        mode.CheckWeights(weights);
        return BlendSelection.Choose(weights, mode, topK);
    }

    private BlendTimings Run(ReadOnlySpan<float> weights, BlendRecipe mode, int[] chosen, LoraAdapter? output, long started)
    {
        float[][]? destinations = null;
        if (output is not null)
        {
            destinations = new float[Pool.TensorCount][];
            for (var t = 0; t < Pool.Targets.Count; t++)
            {
                destinations[2 * t] = output.Pairs[t].A.Data;
                destinations[2 * t + 1] = output.Pairs[t].B.Data;
            }
        }
        var selection = mode.StacksAdapters ? chosen.Select(i => (uint)i).ToArray() : [];
        NativeBlendTimings native;
        lock (blender.Gate)
        {
            ThrowIfUnusable();
            native = this.native.Blend(mode.NativeMode, weights, selection, destinations, mode.NativeParameters);
        }
        return Timings(native, started);
    }

    private static BlendTimings Timings(NativeBlendTimings native, long started) =>
        new(native.BlendDeviceNs / 1e3, (native.ReadbackDeviceNs + native.ReadbackHostNs) / 1e3, Stopwatch.GetElapsedTime(started).TotalMicroseconds,
            (native.Flags & NativeBlendTimings.DeviceTimestamps) != 0, native.ReadbackHostNs / 1e3)
        {
            FirstLandedMicroseconds = native.FirstLandedNs / 1e3,
            LandedMicroseconds = native.LandedNs / 1e3,
            CallbackMicroseconds = native.CallbacksNs / 1e3,
            Chunks = (int)native.ChunkCount,
            Callbacks = (int)native.CallbackCount,
        };

    private void CheckDestination(LoraAdapter destination, BlendRecipe mode, int stacked)
    {
        var rank = Pool.Rank * (mode.StacksAdapters ? stacked : 1);
        if (destination.Pairs.Count != Pool.Targets.Count)
            throw new ArgumentException($"destination has {destination.Pairs.Count} targets; the pool has {Pool.Targets.Count}", nameof(destination));
        for (var t = 0; t < Pool.Targets.Count; t++)
        {
            var target = Pool.Targets[t];
            var pair = destination.Pairs[t];
            if (pair.Target != target.Name || pair.A.Rows != rank || pair.A.Cols != target.InFeatures ||
                pair.B.Rows != target.OutFeatures || pair.B.Cols != rank)
                throw new ArgumentException(
                    $"destination pair {t} is '{pair.Target}' with A {pair.A} and B {pair.B}; this blend writes '{target.Name}' with " +
                    $"A {rank}×{target.InFeatures} and B {target.OutFeatures}×{rank} (use CreateOutput)", nameof(destination));
        }
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        blender.ThrowIfDisposed();
    }

    public void Dispose()
    {
        lock (blender.Gate)
        {
            blender.ThrowIfLanding();
            if (disposed) return;
            disposed = true;
            native.Dispose();
            blender.Forget(this);
        }
    }
}
