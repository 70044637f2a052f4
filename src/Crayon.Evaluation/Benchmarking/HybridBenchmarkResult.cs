using System.Text.Json;
using System.Text.Json.Serialization;
using Crayon.Evaluation;
using Crayon.Reporting;

namespace Crayon.Benchmarking;

/// <summary>The hybrid benchmark's curves (one record per set, policy and ratio) and every query behind them.</summary>
public sealed record HybridBenchmarkResult(IReadOnlyList<HybridRecord> Records, IReadOnlyList<HybridQueryRecord> Queries)
{
    /// <summary>Accuracy at the realised ratio of one curve point.</summary>
    public HybridRecord Point(string set, string policy, double ratio) =>
        Records.Where(r => r.Set == set && r.Policy == policy).MinBy(r => Math.Abs(r.Ratio - ratio))
        ?? throw new KeyNotFoundException($"no curve for set '{set}' and policy '{policy}'");

    /// <summary>
    /// Writes the report to <paramref name="jsonPath"/>, the queries to "&lt;stem&gt;.queries.jsonl", and per set one SVG of
    /// accuracy ("&lt;stem&gt;.&lt;set&gt;.svg") and one of gold-answer NLL ("&lt;stem&gt;.&lt;set&gt;.nll.svg"); returns the files written.
    /// </summary>
    public IReadOnlyList<string> Write(string jsonPath, IReadOnlyDictionary<string, string> settings)
    {
        BenchmarkJson.Write(jsonPath, new BenchmarkReport<HybridRecord> { Benchmark = "hybrid", Settings = new SortedDictionary<string, string>(settings.ToDictionary(), StringComparer.Ordinal), Records = Records });
        var stem = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!, Path.GetFileNameWithoutExtension(jsonPath));
        var written = new List<string> { Path.GetFullPath(jsonPath) };
        var queries = stem + ".queries.jsonl";
        File.WriteAllLines(queries, Queries.Select(q => JsonSerializer.Serialize(q, HybridJsonContext.Default.HybridQueryRecord)));
        written.Add(queries);
        foreach (var set in Records.Select(r => r.Set).Distinct())
        {
            var svg = $"{stem}.{set}.svg";
            SvgLineChart.Write(svg, Chart(set));
            written.Add(svg);
            var nll = $"{stem}.{set}.nll.svg";
            SvgLineChart.Write(nll, NllChart(set));
            written.Add(nll);
        }
        return written;
    }

    /// <summary>Accuracy against routing ratio for one set, one line per policy.</summary>
    public LineChart Chart(string set) => new()
    {
        Title = $"Hybrid routing: {set} queries",
        XLabel = "queries routed to the server (%)",
        YLabel = "accuracy (%)",
        Series = Records.Where(r => r.Set == set).GroupBy(r => r.Policy)
            .Select(g => new LineSeries(g.Key, g.OrderBy(r => r.Ratio).Select(r => new PlotPoint(100 * r.Ratio, 100 * r.Accuracy)).ToArray())).ToArray(),
    };

    /// <summary>Mean gold-answer NLL against routing ratio for one set (lower is better), one line per policy.</summary>
    public LineChart NllChart(string set) => new()
    {
        Title = $"Hybrid routing: {set} queries, gold-answer NLL",
        XLabel = "queries routed to the server (%)",
        YLabel = "mean gold-answer NLL (nats, lower is better)",
        Series = Records.Where(r => r.Set == set).GroupBy(r => r.Policy)
            .Select(g => new LineSeries(g.Key, g.OrderBy(r => r.Ratio).Select(r => new PlotPoint(100 * r.Ratio, r.Nll)).ToArray())).ToArray(),
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HybridQueryRecord))]
internal sealed partial class HybridJsonContext : JsonSerializerContext;
