namespace Crayon.Adapters;

/// <summary>
/// N LoRA adapters that can be blended: same architecture, same targets, and for every target
/// the same A and B shapes, with one rank throughout. The tensor order a blend engine sees is
/// A then B of each target, in adapter 0's target order.
/// </summary>
/// <remarks>
/// Adapters may have different alphas. llama.cpp scales each by f(alpha) = alpha / rank (or 1
/// when alpha is 0), so the pool stores every adapter normalised to adapter 0's alpha: adapter
/// i's B is uploaded multiplied by f(alpha_i) / f(alpha_0), and the whole pool is described by
/// <see cref="ReferenceAlpha"/>. With equal alphas nothing is rescaled.
/// </remarks>
public sealed class AdapterPool
{
    public AdapterPool(IReadOnlyList<LoraAdapter> adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        if (adapters.Count == 0)
            throw new ArgumentException("an adapter pool needs at least one adapter (N = 0)", nameof(adapters));
        for (var i = 0; i < adapters.Count; i++)
            if (adapters[i] is null) throw new ArgumentException($"adapter {i} is null", nameof(adapters));

        var first = adapters[0];
        Rank = first.UniformRank ?? throw new ArgumentException(
            $"{Describe(0, first)} mixes ranks ({string.Join(", ", first.Pairs.Select(p => p.Rank).Distinct())}); a pool needs one rank",
            nameof(adapters));
        for (var i = 1; i < adapters.Count; i++) CheckMatches(i, adapters[i], first);

        Adapters = adapters;
        Targets = first.Pairs.Select(p => new PoolTarget(p.Target, p.Rank, p.InFeatures, p.OutFeatures)).ToArray();
        ReferenceAlpha = first.Alpha;
    }

    public IReadOnlyList<LoraAdapter> Adapters { get; }
    public int Count => Adapters.Count;
    public string Architecture => Adapters[0].Architecture;
    public int Rank { get; }

    /// <summary>The targets in pool order, with their shapes.</summary>
    public IReadOnlyList<PoolTarget> Targets { get; }

    /// <summary>Adapter 0's alpha: every adapter is stored as if it had this alpha.</summary>
    public float ReferenceAlpha { get; }

    /// <summary>Tensors per adapter: A and B of every target.</summary>
    public int TensorCount => Targets.Count * 2;

    /// <summary>Elements of one adapter (all its A and B factors).</summary>
    public long ElementsPerAdapter => Targets.Sum(t => t.ElementsA + t.ElementsB);

    /// <summary>llama.cpp's per-adapter scale: alpha / rank, or 1 when alpha is 0.</summary>
    public static double LlamaScale(float alpha, int rank) => alpha != 0 ? alpha / (double)rank : 1.0;

    /// <summary>The factor adapter <paramref name="index"/>'s B is stored with, to share <see cref="ReferenceAlpha"/>.</summary>
    public float NormalisationFactor(int index) =>
        (float)(LlamaScale(Adapters[index].Alpha, Rank) / LlamaScale(ReferenceAlpha, Rank));

    /// <summary>The tensors of adapter <paramref name="index"/> in pool order (A0, B0, A1, B1, ...), B normalised.</summary>
    public float[][] TensorsOf(int index)
    {
        var adapter = Adapters[index];
        var byTarget = adapter.Pairs.ToDictionary(p => p.Target, StringComparer.Ordinal);
        var factor = NormalisationFactor(index);
        var tensors = new float[TensorCount][];
        for (var t = 0; t < Targets.Count; t++)
        {
            var pair = byTarget[Targets[t].Name];
            tensors[2 * t] = pair.A.Data;
            tensors[2 * t + 1] = factor == 1f ? pair.B.Data : Scaled(pair.B.Data, factor);
        }
        return tensors;
    }

    /// <summary>"adapter 3 ('name')" when the adapter has a general.name, else "adapter 3".</summary>
    public static string Describe(int index, LoraAdapter adapter) =>
        adapter.Metadata.TryGetValue("general.name", out var name) && !string.IsNullOrWhiteSpace(name)
            ? $"adapter {index} ('{name}')"
            : $"adapter {index}";

    private static float[] Scaled(float[] data, float factor)
    {
        var scaled = new float[data.Length];
        System.Numerics.Tensors.TensorPrimitives.Multiply(data, factor, scaled);
        return scaled;
    }

    private static void CheckMatches(int index, LoraAdapter adapter, LoraAdapter first)
    {
        var who = Describe(index, adapter);
        var reference = Describe(0, first);
        if (adapter.Architecture != first.Architecture)
            throw new ArgumentException($"{who} is for architecture '{adapter.Architecture}' but {reference} is for '{first.Architecture}'", "adapters");
        if (adapter.Pairs.Count != first.Pairs.Count)
            throw new ArgumentException($"{who} has {adapter.Pairs.Count} targets but {reference} has {first.Pairs.Count}", "adapters");
        var byTarget = adapter.Pairs.ToDictionary(p => p.Target, StringComparer.Ordinal);
        foreach (var expected in first.Pairs)
        {
            if (!byTarget.TryGetValue(expected.Target, out var pair))
                throw new ArgumentException($"{who} has no target '{expected.Target}', which {reference} has", "adapters");
            if (pair.Rank != expected.Rank)
                throw new ArgumentException(
                    $"{who}: target '{expected.Target}' has rank {pair.Rank} but {reference} has rank {expected.Rank}", "adapters");
            if (pair.A.Rows != expected.A.Rows || pair.A.Cols != expected.A.Cols)
                throw new ArgumentException(
                    $"{who}: tensor '{pair.TensorNameA}' is {pair.A} but {reference} has {expected.A}", "adapters");
            if (pair.B.Rows != expected.B.Rows || pair.B.Cols != expected.B.Cols)
                throw new ArgumentException(
                    $"{who}: tensor '{pair.TensorNameB}' is {pair.B} but {reference} has {expected.B}", "adapters");
        }
    }
}
