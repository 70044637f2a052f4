namespace Crayon.Customization;

/// <summary>
/// How similarities become blend coefficients: alpha = softmax(s / <see cref="Temperature"/>), over the
/// <see cref="TopK"/> most similar adapters only when set. The defaults are the customization ablation's best on
/// validation items (benchmarks/results/customize.md): tau 0.01 over all adapters, with
/// <see cref="ExampleAggregation.MeanAlpha"/> and centered hidden-state embeddings.
/// </summary>
public sealed record AlphaOptions
{
    /// <summary>tau: smaller is sharper (tau → 0 picks the most similar adapter). Must be positive and finite.</summary>
    public double Temperature { get; init; } = 0.01;

    /// <summary>Keep only the k most similar adapters (1..N), renormalised; null keeps all.</summary>
    public int? TopK { get; init; }

    /// <summary>
    /// How each similarity is corrected for its centroid's hubness before the softmax (and before top-k); the reported
    /// similarities stay the raw cosines. Default none: on validation items, with four tasks held out of the pool, neither
    /// correction beat raw cosines at tau 0.01 (benchmarks/results/customize-ablation-hub-choice-2026-12-06.md).
    /// </summary>
    public HubCorrection Hub { get; init; } = HubCorrection.None;

    /// <summary>tau = 0.01, all adapters.</summary>
    public static AlphaOptions Default { get; } = new();

    internal void Validate(int adapterCount)
    {
        if (!double.IsFinite(Temperature) || Temperature <= 0)
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "the softmax temperature tau must be positive and finite");
        if (TopK is { } k && (k < 1 || k > adapterCount))
            throw new ArgumentOutOfRangeException(nameof(TopK), k, $"top-k must be between 1 and the number of adapters ({adapterCount})");
        if (!Enum.IsDefined(Hub)) throw new ArgumentOutOfRangeException(nameof(Hub), Hub, "unknown hub correction");
    }
}
