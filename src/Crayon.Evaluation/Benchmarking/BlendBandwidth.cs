using Crayon.Blending;

namespace Crayon.Benchmarking;

/// <summary>
/// Measures blend bandwidth against the same device's copy bandwidth in the same run. Copy and
/// blend repetitions alternate, so both see the same machine state (noisy neighbours, clocks);
/// each figure is the fastest of its samples.
/// </summary>
public static class BlendBandwidth
{
    /// <summary>Copies and blends timed back to back in each repetition.</summary>
    public const int SamplesPerRound = 3;

    /// <summary>At most this many copy rounds wait for the device to settle before a configuration is timed.</summary>
    private const int SettleRounds = 12;

    public static BlendBandwidthResult Measure(Blender blender, int adapters, long poolBytes, PoolStorage storage, BlendRecipe mode, int repetitions)
    {
        var bytesPerElement = storage == PoolStorage.Float32 ? 4 : 2;
        using var resident = blender.Upload(SyntheticPools.Create(adapters, poolBytes, bytesPerElement), storage);
        return Measure(blender, resident, mode, repetitions);
    }

    /// <summary>
    /// Waits until the copy bandwidth stops moving (two rounds within 2 %). Freshly allocated device memory can run
    /// slow for a while on some drivers (seen on an H200 after a pool of 1 GiB was freed and another made), so a
    /// sweep that allocates a new pool per configuration times each one in the device's steady state.
    /// </summary>
    private static void Settle(Blender blender, long bytes)
    {
        var previous = double.MaxValue;
        for (var round = 0; round < SettleRounds; round++)
        {
            var best = blender.MeasureCopyBandwidth(bytes, SamplesPerRound).BestNanoseconds;
            if (Math.Abs(best - previous) <= 0.02 * previous) return;
            previous = best;
        }
    }

    /// <summary>
    /// Measures an uploaded pool (concat stacks all N, like PEFT's "cat"; the merge recipes read N adapters and write one, so
    /// their bytes are counted as linear's). Kernel tuning is the blender's current one
    /// (see <see cref="Blender.Retune"/>), so a sweep can retune and measure the same resident pool again.
    /// </summary>
    public static BlendBandwidthResult Measure(Blender blender, ResidentPool resident, BlendRecipe mode, int repetitions, string? shape = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var pool = resident.Pool;
        var storage = resident.Storage;
        var adapters = pool.Count;
        var bytesPerElement = storage == PoolStorage.Float32 ? 4 : 2;
        // The merges take √w per factor, so they get the same weights' magnitudes.
        var weights = SyntheticPools.Weights(adapters).Select(w => mode.IsMerge ? MathF.Abs(w) : w).ToArray();
        ArgumentNullException.ThrowIfNull(mode);
        int? topK = mode.StacksAdapters ? adapters : null;
        resident.BlendOnDevice(weights, mode, topK); // first use compiles pipelines and faults pages in
        Settle(blender, pool.ElementsPerAdapter * adapters * bytesPerElement);

        var actualPoolBytes = pool.ElementsPerAdapter * adapters * bytesPerElement;
        var outputElements = pool.ElementsPerAdapter * (mode.StacksAdapters ? adapters : 1);
        var blends = new List<double>();
        double copyBest = double.MaxValue;
        double? transferBest = null;
        var copyTimed = true;
        for (var r = 0; r < repetitions; r++)
        {
            var copy = blender.MeasureCopyBandwidth(actualPoolBytes, SamplesPerRound);
            copyBest = Math.Min(copyBest, copy.BestNanoseconds / 1e3);
            if (copy.TransferBestNanoseconds is { } t and > 0) transferBest = Math.Min(transferBest ?? double.MaxValue, t / 1e3);
            copyTimed &= copy.DeviceTimed;
            for (var s = 0; s < SamplesPerRound; s++) blends.Add(resident.BlendOnDevice(weights, mode, topK).BlendMicroseconds);
        }
        blends.Sort();
        var timed = copyTimed && blender.Device.Backend == BlendBackend.Vulkan;
        return new BlendBandwidthResult(
            blender.Device.Backend == BlendBackend.Vulkan ? "vulkan" : "cpu",
            blender.Device.Name,
            BlendBandwidthResult.StorageName(storage),
            mode.ToString(),
            adapters,
            actualPoolBytes,
            outputElements * sizeof(float),
            blends[0],
            blends[blends.Count / 2],
            actualPoolBytes,
            copyBest,
            transferBest,
            timed)
        {
            Shape = shape,
            Tuning = blender.Tuning,
        };
    }
}
