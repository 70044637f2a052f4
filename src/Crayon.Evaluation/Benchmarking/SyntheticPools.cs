using Crayon.Adapters;
using Crayon.Models;

namespace Crayon.Benchmarking;

/// <summary>
/// Adapter pools of a requested size with Llama-like square targets (rank 16), for benchmarks
/// and demos. All adapters share one set of host arrays: the device still stores N copies, but
/// the host holds one, so a 1 GiB pool does not need N GiB of managed memory.
/// </summary>
public static class SyntheticPools
{
    public const int Rank = 16;

    /// <summary>A pool of <paramref name="count"/> adapters totalling about <paramref name="poolBytes"/> in the given element size.</summary>
    public static AdapterPool Create(int count, long poolBytes, int bytesPerElement, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(poolBytes, 1);
        var elementsPerAdapter = Math.Max(1, poolBytes / bytesPerElement / count);
        // Square targets of width `features`: 2 * Rank * features elements per target.
        var features = (int)Math.Clamp(elementsPerAdapter / (2 * Rank), 1, 4096);
        var targets = (int)Math.Max(1, elementsPerAdapter / (2L * Rank * features));
        var random = new Random(seed);
        var pairs = new LoraPair[targets];
        for (var t = 0; t < targets; t++)
            pairs[t] = new LoraPair($"blk.{t / 7}.target{t % 7}", Matrix(Rank, features, random), Matrix(features, Rank, random));
        var adapters = Enumerable.Range(0, count)
            .Select(i => new LoraAdapter("llama", 2 * Rank, pairs, new Dictionary<string, string> { ["general.name"] = $"synthetic-{i}" }))
            .ToArray();
        return new AdapterPool(adapters);
    }

    /// <summary>A pool of <paramref name="count"/> adapters of exactly <paramref name="shape"/>'s targets and rank (one set of host arrays).</summary>
    public static AdapterPool ForShape(LoraShape shape, int count, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var random = new Random(seed);
        var pairs = shape.Targets().Select(t => new LoraPair(t.Name, Matrix(shape.Rank, t.In, random), Matrix(t.Out, shape.Rank, random))).ToArray();
        var adapters = Enumerable.Range(0, count)
            .Select(i => new LoraAdapter(LlamaHyperparameters.Architecture, 2 * shape.Rank, pairs,
                new Dictionary<string, string> { ["general.name"] = $"{shape.Name}-{i}" }))
            .ToArray();
        return new AdapterPool(adapters);
    }

    /// <summary>Weights 1/N with alternating signs, so no adapter is zero-weighted.</summary>
    public static float[] Weights(int count) =>
        Enumerable.Range(0, count).Select(i => (i % 2 == 0 ? 1f : -1f) / count).ToArray();

    private static LoraMatrix Matrix(int rows, int cols, Random random)
    {
        var data = new float[rows * cols];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() - 0.5);
        return new LoraMatrix(rows, cols, data);
    }
}
