using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Pool.Building;

namespace Crayon.Benchmarking.Customize;

/// <summary>Crayon's alpha for one task (the paper's figure 3), the similarities it came from, the guard's choice and the hub statistics.</summary>
/// <param name="GuardScale">The scale the guard kept (0: the base model); 1 when it was off or skipped.</param>
/// <param name="GuardReason">Why, in the guard's words, with the candidates' held-out NLL.</param>
/// <param name="GuardKept">The candidate the guard kept, in words (null: the guard was off); <paramref name="Alpha"/> is its alpha.</param>
public sealed record TaskAlpha(string Task, int K, int Rank, double[] Similarities, double[] Alpha,
    double GuardScale = 1, string? GuardReason = null, HubStatistics? Hub = null, string? GuardKept = null);

/// <summary>What each method cost on one task and K: Crayon's latency split, the baselines' forward passes.</summary>
/// <param name="Crayon">Crayon's customization, examples in to adapter live.</param>
/// <param name="BestSingleForwardPasses">N adapters × K examples, each one answer's NLL.</param>
/// <param name="SearchEvaluations">Blends the search scored (budget included the start).</param>
/// <param name="SearchForwardPasses">Evaluations × K.</param>
/// <param name="SearchTime">The whole search, blends and forward passes included.</param>
/// <param name="SearchAlpha">The best alpha the search found.</param>
/// <param name="BestSingle">The adapter chosen on the user's examples.</param>
public sealed record MethodCosts(string Task, int K, int Rank, CustomizationTimings Crayon, int BestSingleForwardPasses, TimeSpan BestSingleTime,
    int SearchEvaluations, int SearchForwardPasses, TimeSpan SearchTime, double[] SearchAlpha, int BestSingle);

/// <summary>
/// Every method's gold-answer NLL on each test item of one task at one K and rank, in item order (the same items for every
/// method): what paired standard errors are computed from.
/// </summary>
public sealed record ItemNlls(string Task, int K, int Rank, IReadOnlyList<string> ItemIds, IReadOnlyDictionary<CustomizationMethod, double[]> Nll);

/// <summary>A pool the benchmark used.</summary>
public sealed record BenchmarkPool(int Rank, string Path, string SettingsHash, IReadOnlyList<string> AdapterNames, IReadOnlyList<ClusterSummary>? Clusters,
    TimeSpan? BuildTime, IReadOnlyDictionary<string, string> Provenance);

/// <summary>Everything one run of the customization benchmark measured.</summary>
public sealed record CustomizeBenchmarkResult(
    CustomizeBenchmarkSettings Settings,
    string Model,
    IReadOnlyList<CustomizationRecord> Records,
    IReadOnlyList<TaskAlpha> Alphas,
    IReadOnlyList<MethodCosts> Costs,
    IReadOnlyList<BenchmarkPool> Pools,
    IReadOnlyDictionary<string, int> SkippedK,
    TimeSpan Elapsed,
    IReadOnlyList<ItemNlls>? Items = null)
{
    /// <summary>Per-item NLLs of one task at one K and rank, when the run kept them.</summary>
    public ItemNlls? ItemsOf(CustomizationRecord record) =>
        Items?.FirstOrDefault(i => i.Task == record.Task && i.K == record.K && i.Rank == record.Rank);

    /// <summary>Crayon − <paramref name="reference"/> item by item on the same test items, with its standard error; null without per-item NLLs.</summary>
    public PairedDifference? Paired(CustomizationRecord record, CustomizationMethod reference) =>
        ItemsOf(record) is { } items && items.Nll.TryGetValue(CustomizationMethod.Crayon, out var crayon) && items.Nll.TryGetValue(reference, out var other)
            ? PairedDifference.Of(crayon, other)
            : null;

    /// <summary>Tasks where Crayon's NLL is below the base model's or equal to it (the guard kept the base model), at one rank and K.</summary>
    public int NotAboveBase(int rank, int k) => Records.Count(r => r.Rank == rank && r.K == k && r.CrayonNll <= r.BaseNll);

    /// <summary>
    /// The share of tasks where Crayon's answer NLL is below both the base model's and the uniform blend's, at one rank and K
    /// (issue 4's bar: at least two thirds).
    /// </summary>
    public double WinShare(int rank, int k)
    {
        var rows = Records.Where(r => r.Rank == rank && r.K == k).ToArray();
        if (rows.Length == 0) return double.NaN;
        return rows.Count(Wins) / (double)rows.Length;
    }

    /// <summary>True when Crayon's NLL is below both the base model's and the uniform blend's.</summary>
    public static bool Wins(CustomizationRecord r) => r.CrayonNll < r.BaseNll && r.CrayonNll < r.UniformNll;
}
