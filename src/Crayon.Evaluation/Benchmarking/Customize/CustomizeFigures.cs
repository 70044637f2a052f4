using Crayon.Evaluation;
using Crayon.Reporting;

namespace Crayon.Benchmarking.Customize;

/// <summary>
/// The benchmark's plots: alpha over the base adapters per task (the paper's figure 3) and answer NLL and accuracy
/// against K and against the rank (figure 5). NLL is shown relative to the base model's on each task (method ÷ base,
/// averaged over tasks), so tasks with long answers do not outweigh the rest.
/// </summary>
public static class CustomizeFigures
{
    private static readonly CustomizationMethod[] Methods = Enum.GetValues<CustomizationMethod>();

    /// <summary>Writes every figure as &lt;stem&gt;-alpha.svg, -nll-vs-k.svg, -acc-vs-k.svg, -nll-vs-rank.svg, -acc-vs-rank.svg; returns the paths.</summary>
    public static IReadOnlyList<string> Write(string stem, CustomizeBenchmarkResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var written = new List<string>();
        void Save(string suffix, Action<string> write)
        {
            var path = $"{stem}-{suffix}.svg";
            write(path);
            written.Add(path);
        }
        if (AlphaMap(result) is { } map) Save("alpha", p => SvgHeatmap.Write(p, map));
        Save("nll-vs-k", p => SvgLineChart.Write(p, VersusK(result, relativeNll: true)));
        Save("acc-vs-k", p => SvgLineChart.Write(p, VersusK(result, relativeNll: false)));
        Save("nll-vs-rank", p => SvgLineChart.Write(p, VersusRank(result, relativeNll: true)));
        Save("acc-vs-rank", p => SvgLineChart.Write(p, VersusRank(result, relativeNll: false)));
        return written;
    }

    /// <summary>Rows: tasks at the main rank and the largest K each supports; columns: the pool's adapters.</summary>
    public static Heatmap? AlphaMap(CustomizeBenchmarkResult result)
    {
        var rank = result.Settings.MainRank;
        var rows = result.Alphas.Where(a => a.Rank == rank).GroupBy(a => a.Task).Select(g => g.MaxBy(a => a.K)!).ToArray();
        var pool = result.Pools.FirstOrDefault(p => p.Rank == rank);
        if (rows.Length == 0 || pool is null) return null;
        return new Heatmap
        {
            Title = $"Crayon's alpha over the base adapters (rank {rank}, tau {result.Settings.Alpha.Temperature:g}, top-k {result.Settings.Alpha.TopK?.ToString() ?? "all"})",
            RowLabels = rows.Select(a => $"{a.Task} (K={a.K})").ToArray(),
            ColumnLabels = pool.AdapterNames,
            Values = rows.Select(a => (IReadOnlyList<double>)a.Alpha).ToArray(),
            ValueLabel = "alpha",
            Min = 0,
            Max = 1,
        };
    }

    public static LineChart VersusK(CustomizeBenchmarkResult result, bool relativeNll)
    {
        var rank = result.Settings.MainRank;
        var ks = result.Settings.Ks.Order().ToArray();
        var tasks = TasksWithAll(result, r => r.Rank == rank, ks.Length, r => r.K);
        return Chart(result, $"rank {rank}, {tasks.Count} tasks with every K", "K (user examples)", relativeNll,
            ks.Select(k => ((double)k, Rows(result, r => r.Rank == rank && r.K == k, tasks))).ToArray());
    }

    public static LineChart VersusRank(CustomizeBenchmarkResult result, bool relativeNll)
    {
        var ranks = result.Settings.Ranks.Order().ToArray();
        var k = result.Settings.Ks.Where(k => result.Records.Count(r => r.K == k) == result.Records.Count(r => r.K == result.Settings.Ks.Min())).DefaultIfEmpty(result.Settings.Ks.Min()).Max();
        var tasks = TasksWithAll(result, r => r.K == k, ranks.Length, r => r.Rank);
        return Chart(result, $"K = {k}, {tasks.Count} tasks", "LoRA rank", relativeNll,
            ranks.Select(rank => ((double)rank, Rows(result, r => r.K == k && r.Rank == rank, tasks))).ToArray());
    }

    private static HashSet<string> TasksWithAll(CustomizeBenchmarkResult result, Func<CustomizationRecord, bool> filter, int count, Func<CustomizationRecord, int> key) =>
        result.Records.Where(filter).GroupBy(r => r.Task).Where(g => g.Select(key).Distinct().Count() == count).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);

    private static CustomizationRecord[] Rows(CustomizeBenchmarkResult result, Func<CustomizationRecord, bool> filter, HashSet<string> tasks) =>
        result.Records.Where(r => filter(r) && tasks.Contains(r.Task)).ToArray();

    private static LineChart Chart(CustomizeBenchmarkResult result, string subtitle, string xLabel, bool relativeNll, (double X, CustomizationRecord[] Rows)[] points)
    {
        var series = Methods.Select(m => new LineSeries(Name(m), points.Select(p => new PlotPoint(p.X, Mean(p.Rows, m, relativeNll))).ToArray())).ToArray();
        return new LineChart
        {
            Title = (relativeNll ? "Answer NLL relative to the base model" : "Accuracy") + $" ({subtitle})",
            XLabel = xLabel,
            YLabel = relativeNll ? "mean NLL ÷ base NLL (lower is better)" : "mean accuracy",
            Series = series,
            XScale = AxisScale.Log2,
        };
    }

    private static double Mean(CustomizationRecord[] rows, CustomizationMethod method, bool relativeNll)
    {
        var values = rows.Select(r => relativeNll ? r.Nll(method) / r.BaseNll : r.Acc(method)).Where(v => v is { } x && double.IsFinite(x)).Select(v => v!.Value).ToArray();
        return values.Length == 0 ? double.NaN : values.Average();
    }

    internal static string Name(CustomizationMethod method) => method == CustomizationMethod.BestSingle ? "best single" : method.ToString().ToLowerInvariant();
}
