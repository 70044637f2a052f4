using Crayon.Adapters;
using Crayon.Interop.Blend;

namespace Crayon.Blending;

/// <summary>
/// A blend engine on one device (Vulkan or the CPU path). Upload a pool once, then blend it as
/// often as needed; every blend of a pool reuses the same device buffers. Calls are serialised:
/// one blend at a time per blender.
/// </summary>
/// <example><code>
/// using var blender = Blender.Create();
/// using var resident = blender.Upload(new AdapterPool(adapters), PoolStorage.Float16);
/// var result = resident.Blend(weights, BlendRecipe.Concat, topK: 4);   // result.Adapter is a LoraAdapter
/// </code></example>
public sealed class Blender : IDisposable
{
    private readonly NativeEngine engine;
    private readonly List<ResidentPool> pools = [];

    private Blender(NativeEngine engine)
    {
        this.engine = engine;
        Device = BlendDevice.From(engine.Info);
    }

    /// <summary>The device this blender runs on.</summary>
    public BlendDevice Device { get; }

    /// <summary>Serialises native calls on this engine and its pools.</summary>
    internal Lock Gate { get; } = new();

    internal bool IsDisposed { get; private set; }

    public static Blender Create(BlenderOptions? options = null)
    {
        options ??= new BlenderOptions();
        options.Validate();
        return new Blender(NativeEngine.Create(options)) { Tuning = options.Tuning };
    }

    /// <summary>Uploads every adapter of <paramref name="pool"/> into device memory once.</summary>
    public ResidentPool Upload(AdapterPool pool, PoolStorage storage = PoolStorage.Float16)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (!Enum.IsDefined(storage)) throw new ArgumentException($"storage {(int)storage} is not f32, f16 or bf16", nameof(storage));
        lock (Gate)
        {
            ThrowIfDisposed();
            var tensors = new NativeTensorDesc[pool.TensorCount];
            for (var t = 0; t < pool.Targets.Count; t++)
            {
                var target = pool.Targets[t];
                tensors[2 * t] = new NativeTensorDesc { Rows = (uint)target.Rank, Cols = (uint)target.InFeatures, Role = (uint)NativeTensorRole.LoraA };
                tensors[2 * t + 1] = new NativeTensorDesc { Rows = (uint)target.OutFeatures, Cols = (uint)target.Rank, Role = (uint)NativeTensorRole.LoraB };
            }
            var native = engine.CreatePool(pool.Count, tensors, storage);
            try
            {
                for (var i = 0; i < pool.Count; i++) native.Upload(i, pool.TensorsOf(i));
            }
            catch
            {
                native.Dispose();
                throw;
            }
            var resident = new ResidentPool(this, native, pool, storage);
            pools.Add(resident);
            Uploads++;
            return resident;
        }
    }

    /// <summary>How many pools were uploaded to this device over its life (a shared pool counts once, however many blend it).</summary>
    public int Uploads { get; private set; }

    /// <summary>The pools resident on this device now.</summary>
    public int ResidentPools
    {
        get { lock (Gate) return pools.Count; }
    }

    /// <summary>The tuning the kernels now run with (what <see cref="Retune"/> last set, or the options').</summary>
    public KernelTuning Tuning { get; private set; } = KernelTuning.Default;

    /// <summary>
    /// Rebuilds the Vulkan kernels with new tuning (0 = default for a knob); uploaded pools stay resident, so a tuning
    /// sweep uploads once. No effect on the CPU path.
    /// </summary>
    public void Retune(KernelTuning tuning)
    {
        ArgumentNullException.ThrowIfNull(tuning);
        tuning.Validate();
        lock (Gate)
        {
            ThrowIfDisposed();
            engine.Retune(tuning);
            Tuning = tuning;
        }
    }

    /// <summary>The device's copy bandwidth (the ceiling for a memory-bound blend), measured now.</summary>
    public CopyBandwidth MeasureCopyBandwidth(long bytes, int repetitions)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 4096);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        lock (Gate)
        {
            ThrowIfDisposed();
            var m = engine.MeasureCopy((ulong)bytes, (uint)repetitions);
            var timed = (m.Flags & NativeBlendTimings.DeviceTimestamps) != 0;
            return new CopyBandwidth((long)m.Bytes, m.BestNs, m.MedianNs, Device.Backend == BlendBackend.Vulkan ? m.TransferBestNs : null, timed);
        }
    }

    /// <summary>Testing hook: from now on this blender behaves as if its Vulkan device had been lost.</summary>
    internal void SimulateDeviceLostForTesting()
    {
        lock (Gate)
        {
            ThrowIfDisposed();
            engine.SimulateDeviceLost();
        }
    }

    /// <summary>True while a blend into an image hands chunks to a landed callback: the native engine is mid-call then.</summary>
    internal bool Landing { get; set; }

    internal void ThrowIfDisposed()
    {
        ObjectDisposedException.ThrowIf(IsDisposed, this);
        ThrowIfLanding();
    }

    /// <summary>The gate is reentrant: a landed callback on the blending thread would otherwise get into the engine mid-call.</summary>
    internal void ThrowIfLanding()
    {
        if (Landing) throw new InvalidOperationException("a landed callback may not use the blender (or a pool of it) whose blend it is reporting");
    }

    internal void Forget(ResidentPool pool) => pools.Remove(pool);

    /// <summary>Releases the engine and every pool uploaded to it.</summary>
    public void Dispose()
    {
        lock (Gate)
        {
            ThrowIfLanding();
            if (IsDisposed) return;
            foreach (var pool in pools.ToArray()) pool.Dispose();
            IsDisposed = true;
            engine.Dispose();
        }
    }
}
