namespace Crayon.Routing;

/// <summary>
/// Turns a query's signals into one routing score under a policy: the higher the score, the stronger the case for the
/// server. The policy names a chain of <see cref="IRoutingSignal"/>s (<see cref="SignalsOf"/>, the one place a policy
/// becomes signals); the scorer composes them: one signal scores as its negated value (route the lowest), several as one
/// minus the mean of their ranks among the calibration examples (empirical CDF), so no signal's units dominate. The
/// random policy's one signal is a uniform draw fixed by (seed, query key).
/// </summary>
public sealed class RoutingScorer
{
    private readonly IReadOnlyList<IRoutingSignal> _signals;
    private readonly double[][] _calibrated; // per signal, its sorted calibration values (for the ranks of a chain of several)

    /// <param name="calibration">The user's own examples' signals (needed by <see cref="RoutingPolicy.Combined"/>, checked for the others).</param>
    /// <exception cref="ArgumentException">bad signals, or a confidence-based policy with a query lacking confidence.</exception>
    public RoutingScorer(RoutingPolicy policy, IReadOnlyList<QuerySignals> calibration, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(calibration);
        if (!Enum.IsDefined(policy)) throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown routing policy");
        if (calibration.Count == 0) throw new ArgumentException("routing calibration needs at least one of the user's examples", nameof(calibration));
        Policy = policy;
        Seed = seed;
        _signals = SignalsOf(policy, seed);
        var values = _signals.Select(_ => new double[calibration.Count]).ToArray();
        for (var i = 0; i < calibration.Count; i++)
        {
            calibration[i].Validate($"calibration example {i}");
            for (var s = 0; s < _signals.Count; s++) values[s][i] = _signals[s].Read(calibration[i], $"calibration example {i}");
        }
        _calibrated = values.Select(v => v.Order().ToArray()).ToArray();
    }

    /// <summary>The signals <paramref name="policy"/> composes, in order; a policy not listed here fails loudly.</summary>
    public static IReadOnlyList<IRoutingSignal> SignalsOf(RoutingPolicy policy, long seed = 0) => policy switch
    {
        RoutingPolicy.Similarity => [SimilaritySignal.Instance],
        RoutingPolicy.Confidence => [new ConfidenceSignal(policy)],
        RoutingPolicy.Combined => [SimilaritySignal.Instance, new ConfidenceSignal(policy)],
        RoutingPolicy.Random => [new RandomDrawSignal(seed)],
        _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown routing policy: it names no routing signals"),
    };

    /// <summary>The signals this scorer composes.</summary>
    public IReadOnlyList<IRoutingSignal> Signals => _signals;

    /// <summary>How signals become a score.</summary>
    public RoutingPolicy Policy { get; }

    /// <summary>Seeds the random policy's per-query draws.</summary>
    public long Seed { get; }

    /// <summary>The routing score of <paramref name="query"/> (higher: route sooner).</summary>
    public double Score(QuerySignals query)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate("query");
        var values = new double[_signals.Count];
        for (var s = 0; s < values.Length; s++) values[s] = _signals[s].Read(query, "query");
        if (values.Length == 1) return -values[0];
        var ranks = 0.0;
        for (var s = 0; s < values.Length; s++) ranks += Rank(_calibrated[s], values[s]);
        return 1 - ranks / values.Length;
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
