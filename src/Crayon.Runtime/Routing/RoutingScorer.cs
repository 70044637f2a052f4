namespace Crayon.Routing;

/// <summary>
/// Turns a query's signals into one routing score under a policy: the higher the score, the stronger
/// the case for the server. Similarity and confidence scores are the negated signals; the combined
/// score needs the calibration set's distributions; the random score is a uniform draw in [0, 1)
/// fixed by (seed, query key).
/// </summary>
public sealed class RoutingScorer
{
    private readonly double[] _similarities, _confidences; // sorted calibration values, for the combined policy's ranks

    /// <param name="calibration">The user's own examples' signals (needed by <see cref="RoutingPolicy.Combined"/>, checked for the others).</param>
    /// <exception cref="ArgumentException">bad signals, or a confidence-based policy with a query lacking confidence.</exception>
    public RoutingScorer(RoutingPolicy policy, IReadOnlyList<QuerySignals> calibration, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        if (!Enum.IsDefined(policy)) throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown routing policy");
        if (calibration.Count == 0) throw new ArgumentException("routing calibration needs at least one of the user's examples", nameof(calibration));
        Policy = policy;
        Seed = seed;
        for (var i = 0; i < calibration.Count; i++)
        {
            calibration[i].Validate($"calibration example {i}");
            RequireConfidence(calibration[i], $"calibration example {i}");
        }
        _similarities = calibration.Select(c => c.Similarity).Order().ToArray();
        _confidences = policy is RoutingPolicy.Confidence or RoutingPolicy.Combined ? calibration.Select(c => c.Confidence!.Value).Order().ToArray() : [];
    }

    /// <summary>How signals become a score.</summary>
    public RoutingPolicy Policy { get; }

    /// <summary>Seeds the random policy's per-query draws.</summary>
    public long Seed { get; }

    /// <summary>The routing score of <paramref name="query"/> (higher: route sooner).</summary>
    public double Score(QuerySignals query)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate("query");
        RequireConfidence(query, "query");
        return Policy switch
        {
            RoutingPolicy.Similarity => -query.Similarity,
            RoutingPolicy.Confidence => -query.Confidence!.Value,
            RoutingPolicy.Combined => 1 - (Rank(_similarities, query.Similarity) + Rank(_confidences, query.Confidence!.Value)) / 2,
            RoutingPolicy.Random => new SeededRandom(SeededRandom.Derive(Seed, query.Key)).NextDouble(),
            _ => throw new InvalidOperationException($"unknown routing policy {Policy}"),
        };
    }

    private void RequireConfidence(QuerySignals signals, string what)
    {
        if (Policy is RoutingPolicy.Confidence or RoutingPolicy.Combined && signals.Confidence is null)
            throw new ArgumentException($"{what} ('{signals.Key}') has no confidence signal, which the {Policy} policy needs");
    }

    // Share of calibration values at or below v: the empirical CDF.
    private static double Rank(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (sorted[mid] <= v) lo = mid + 1; else hi = mid;
        }
        return (double)lo / sorted.Length;
    }
}
