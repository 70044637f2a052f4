namespace Crayon.Evaluation;

/// <summary>
/// A benchmark's JSON file: its name, the settings that produced it (seed, model, K list, …, as
/// strings) and the records. No timestamps, so the same seed writes the same bytes.
/// </summary>
public sealed record BenchmarkReport<TRecord>
{
    /// <summary>e.g. "customize" or "hybrid".</summary>
    public required string Benchmark { get; init; }

    /// <summary>What produced the records (seed, model, K list, …); ordinal key order keeps the file stable.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new SortedDictionary<string, string>(StringComparer.Ordinal);

    /// <summary>One record per measured point.</summary>
    public required IReadOnlyList<TRecord> Records { get; init; }
}
