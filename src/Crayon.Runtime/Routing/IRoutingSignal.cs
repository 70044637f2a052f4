namespace Crayon.Routing;

/// <summary>
/// One per-query signal a router reads, as a small object the router composes (as llama.cpp chains samplers): its name
/// and its value for a query. Higher values mean "more at home on the device"; the scorer routes the lowest. A signal
/// that cannot be read for a query (not measured) throws, naming itself and the query: it is never taken as zero.
/// The values themselves are measured where the query is (<see cref="RoutingSignals"/>: cosine to q_c from the query's
/// embedding, the device model's margin between its answers) and carried in <see cref="QuerySignals"/>.
/// </summary>
public interface IRoutingSignal
{
    /// <summary>The signal's name as decisions print it ("similarity", "confidence").</summary>
    string Name { get; }

    /// <summary>The signal's value for <paramref name="query"/>; higher: keep it on the device.</summary>
    /// <param name="what">How errors name the query ("query", "calibration example 3").</param>
    /// <exception cref="ArgumentException">the query lacks this signal.</exception>
    double Read(QuerySignals query, string what);
}

/// <summary>cos(query embedding, q_c) (<see cref="RoutingSignals.Similarity"/>): the paper's out-of-scope signal.</summary>
public sealed class SimilaritySignal : IRoutingSignal
{
    public static SimilaritySignal Instance { get; } = new();

    public string Name => "similarity";

    public double Read(QuerySignals query, string what)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Similarity;
    }
}

/// <summary>The device model's confidence in its own answer (<see cref="RoutingSignals.ChoiceMargin"/> or <see cref="RoutingSignals.MeanTokenLogProb"/>).</summary>
public sealed class ConfidenceSignal(RoutingPolicy policy) : IRoutingSignal
{
    public string Name => "confidence";

    public double Read(QuerySignals query, string what)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Confidence ?? throw new ArgumentException($"{what} ('{query.Key}') has no confidence signal, which the {policy} policy needs");
    }
}

/// <summary>A seeded draw per query key: the baseline that ignores the query. Its value is minus a uniform draw in [0, 1), so the score is the draw.</summary>
public sealed class RandomDrawSignal(long seed) : IRoutingSignal
{
    public string Name => "random draw";

    public long Seed => seed;

    public double Read(QuerySignals query, string what)
    {
        ArgumentNullException.ThrowIfNull(query);
        return -new SeededRandom(SeededRandom.Derive(seed, query.Key)).NextDouble();
    }
}
