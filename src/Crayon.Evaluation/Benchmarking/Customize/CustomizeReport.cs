using System.Globalization;
using System.Text;
using System.Text.Json;
using Crayon.Evaluation;
using Crayon.Formats;

namespace Crayon.Benchmarking.Customize;

/// <summary>
/// Writes what `crayon bench customize` measured: the records as the shared customization JSON (deterministic for a
/// seed: no times), a details JSON beside it (alphas, costs and latencies, pools and clusters, the machine), and a
/// markdown summary for benchmarks/results.
/// </summary>
public static class CustomizeReport
{
    public static BenchmarkReport<CustomizationRecord> Report(CustomizeBenchmarkResult result) => new()
    {
        Benchmark = "customize",
        Settings = result.Settings.Describe(result.Model),
        Records = result.Records,
    };

    /// <summary>"x.json" → "x.items.csv.gz": every method's gold NLL per test item.</summary>
    public static string ItemsPath(string jsonPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!, Path.GetFileNameWithoutExtension(jsonPath) + ".items.csv.gz");

    /// <summary>"x.json" → "x.details.json".</summary>
    public static string DetailsPath(string jsonPath) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!, Path.GetFileNameWithoutExtension(jsonPath) + ".details.json");

    public static void WriteJson(string path, CustomizeBenchmarkResult result)
    {
        BenchmarkJson.Write(path, Report(result));
        AtomicFile.Write(DetailsPath(path), Details(result, MachineInfo.Current()));
        if (result.Items is { Count: > 0 } items) AtomicFile.Write(ItemsPath(path), ItemNllsFile.Write(items));
    }

    public static byte[] Details(CustomizeBenchmarkResult result, MachineInfo machine)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("benchmark", "customize-details");
            machine.WriteJson(w);
            w.WriteNumber("elapsed_seconds", Math.Round(result.Elapsed.TotalSeconds, 1));
            w.WriteStartArray("win_share");
            foreach (var (rank, k) in Points(result))
            {
                w.WriteStartObject();
                w.WriteNumber("rank", rank);
                w.WriteNumber("k", k);
                w.WriteNumber("share", result.WinShare(rank, k));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("paired");
            foreach (var r in result.Records)
            {
                if (result.Paired(r, CustomizationMethod.Base) is not { } vsBase || result.Paired(r, CustomizationMethod.Uniform) is not { } vsUniform) continue;
                w.WriteStartObject();
                w.WriteString("task", r.Task);
                w.WriteNumber("k", r.K);
                w.WriteNumber("rank", r.Rank);
                WritePaired(w, "crayon_minus_base", vsBase);
                WritePaired(w, "crayon_minus_uniform", vsUniform);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("skipped_k");
            foreach (var (task, available) in result.SkippedK) w.WriteNumber(task, available);
            w.WriteEndObject();
            w.WriteStartArray("pools");
            foreach (var p in result.Pools) WritePool(w, p);
            w.WriteEndArray();
            w.WriteStartArray("alphas");
            foreach (var a in result.Alphas)
            {
                w.WriteStartObject();
                w.WriteString("task", a.Task);
                w.WriteNumber("k", a.K);
                w.WriteNumber("rank", a.Rank);
                Numbers(w, "similarities", a.Similarities);
                Numbers(w, "alpha", a.Alpha);
                w.WriteNumber("guard_scale", a.GuardScale);
                if (a.GuardReason is not null) w.WriteString("guard", a.GuardReason);
                if (a.GuardKept is not null) w.WriteString("guard_kept", a.GuardKept);
                if (a.Hub is { } hub)
                {
                    w.WriteNumber("alpha_entropy", hub.AlphaEntropy);
                    w.WriteNumber("top_share", hub.TopShare);
                    if (hub.SimilarityNllSpearman is { } rho) w.WriteNumber("similarity_nll_spearman", rho);
                    else w.WriteNull("similarity_nll_spearman");
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("costs");
            foreach (var c in result.Costs) WriteCosts(w, c);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The markdown summary: the bar, then NLL, gap closed and accuracy per task, costs, and the pool's clusters.</summary>
    public static string Markdown(CustomizeBenchmarkResult result, MachineInfo machine, string title = "Customization benchmark")
    {
        var s = result.Settings;
        var md = new StringBuilder();
        string I(FormattableString f) => f.ToString(CultureInfo.InvariantCulture);
        md.AppendLine($"# {title}").AppendLine();
        md.AppendLine(I($"Machine: {machine.Cpu}, {machine.Cores} cores, {machine.Os}, {machine.Runtime}; wall time {result.Elapsed.TotalMinutes:F1} min (pool and oracle builds included unless cached)."));
        md.AppendLine();
        md.AppendLine("Settings: " + string.Join(", ", s.Describe(result.Model).Select(p => $"{p.Key} `{p.Value}`")) + ".").AppendLine();
        foreach (var (rank, k) in Points(result))
        {
            var rows = result.Records.Where(r => r.Rank == rank && r.K == k).ToArray();
            md.AppendLine(I($"## Rank {rank}, K = {k}")).AppendLine();
            if (s.LeavesTasksOut)
                md.AppendLine(I($"Leave-tasks-out: the pool was built without {string.Join(", ", s.LeaveOut)}. Guarded Crayon's answer NLL is below the base model's on **{rows.Count(r => r.CrayonNll < r.BaseNll)} of {rows.Length} held-out tasks** (equal, the guard keeping the base model, on {rows.Count(r => r.CrayonNll == r.BaseNll)}), and below both base and uniform on {rows.Count(CustomizeBenchmarkResult.Wins)}.")).AppendLine();
            else
                md.AppendLine(I($"Crayon's answer NLL is below both the base model's and the uniform blend's on **{rows.Count(CustomizeBenchmarkResult.Wins)} of {rows.Length} tasks** ({result.WinShare(rank, k):P0}); below the base model's or equal to it (the guard keeping the base model) on {result.NotAboveBase(rank, k)} of {rows.Length}.")).AppendLine();
            md.AppendLine("| task | n | base | uniform | best single | search | crayon | oracle | gap closed | crayon − base ± SE | crayon − uniform ± SE | crayon < base and uniform |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|");
            foreach (var r in rows)
                md.AppendLine(I($"| {r.Task} | {r.TestItems} | {F(r.BaseNll)} | {F(r.UniformNll)} | {F(r.BestSingleNll)} | {F(r.SearchNll)} | **{F(r.CrayonNll)}** | {F(r.OracleNll)} | {P(r.GapClosed)} | {D(result.Paired(r, CustomizationMethod.Base))} | {D(result.Paired(r, CustomizationMethod.Uniform))} | {(CustomizeBenchmarkResult.Wins(r) ? "yes" : "no")} |"));
            md.AppendLine().AppendLine("Paired differences: item by item on the same test items (nats per item; negative: Crayon lower), ± one standard error of the mean difference.");
            md.AppendLine().AppendLine("Accuracy (choice by log-likelihood; ties credited fractionally):").AppendLine();
            md.AppendLine("| task | base | uniform | best single | search | crayon | oracle |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var r in rows)
                md.AppendLine($"| {r.Task} | {P(r.BaseAcc)} | {P(r.UniformAcc)} | {P(r.BestSingleAcc)} | {P(r.SearchAcc)} | {P(r.CrayonAcc)} | {P(r.OracleAcc)} |");
            var guarded = result.Alphas.Where(a => a.Rank == rank && a.K == k && a.Hub is not null).ToArray();
            if (guarded.Length > 0)
            {
                md.AppendLine().AppendLine(I($"Guard and hub (alpha entropy in nats, uniform = ln {guarded[0].Alpha.Length} = {Math.Log(guarded[0].Alpha.Length):F2}; top share: the largest alpha; ρ: Spearman between an adapter's similarity and its own NLL on the K user examples, negative when similarity is discriminative):")).AppendLine();
                md.AppendLine("| task | guard kept | entropy | top share | ρ |");
                md.AppendLine("|---|---|---:|---:|---:|");
                foreach (var a in guarded)
                    md.AppendLine(I($"| {a.Task} | {a.GuardKept ?? Crayon.Customization.GuardVerdict.Describe(a.GuardScale)} | {a.Hub!.AlphaEntropy:F2} | {a.Hub.TopShare:P0} | {(a.Hub.SimilarityNllSpearman is { } rho ? rho.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "-")} |"));
            }
            var costs = result.Costs.Where(c => c.Rank == rank && c.K == k).ToArray();
            if (costs.Length > 0)
            {
                md.AppendLine().AppendLine("Cost per task (medians over tasks): ").AppendLine();
                md.AppendLine(I($"- Crayon, examples in to adapter live: embed {Median(costs, c => c.Crayon.Embed.TotalMilliseconds):F1} ms, alpha {Median(costs, c => c.Crayon.Alpha.TotalMilliseconds):F3} ms, guard {Median(costs, c => c.Crayon.Guard.TotalMilliseconds):F1} ms, blend {Median(costs, c => c.Crayon.Blend.TotalMilliseconds):F2} ms, swap {Median(costs, c => c.Crayon.Swap.TotalMilliseconds):F2} ms (total {Median(costs, c => c.Crayon.Total.TotalMilliseconds):F1} ms)."));
                md.AppendLine(I($"- Best single: {costs[0].BestSingleForwardPasses} forward passes, {Median(costs, c => c.BestSingleTime.TotalSeconds):F1} s."));
                md.AppendLine(I($"- Search: {costs[0].SearchEvaluations} blends, {costs[0].SearchForwardPasses} forward passes, {Median(costs, c => c.SearchTime.TotalSeconds):F1} s."));
            }
            md.AppendLine();
        }
        if (result.SkippedK.Count > 0)
            md.AppendLine("Skipped (train split too small for the largest K): " + string.Join(", ", result.SkippedK.Select(p => I($"{p.Key} ({p.Value} user examples)"))) + ".").AppendLine();
        foreach (var pool in result.Pools.Where(p => p.Clusters is not null))
        {
            md.AppendLine(I($"## Pool, rank {pool.Rank}")).AppendLine();
            md.AppendLine(I($"Built in {pool.BuildTime?.TotalSeconds:F0} s. Clusters (members, examples borrowed by small clusters, share of the largest task):")).AppendLine();
            md.AppendLine("| adapter | members | borrowed | purity | tasks |");
            md.AppendLine("|---|---:|---:|---:|---|");
            foreach (var c in pool.Clusters!)
                md.AppendLine(I($"| {c.Name} | {c.Members} | {c.TopUp} | {c.Purity:P0} | {string.Join(" ", c.Tasks.Take(5).Select(t => $"{t.Task}:{t.Count}"))} |"));
            md.AppendLine();
        }
        return md.ToString();
    }

    private static IEnumerable<(int Rank, int K)> Points(CustomizeBenchmarkResult result) =>
        result.Records.Select(r => (r.Rank, r.K)).Distinct().OrderBy(p => p.Rank).ThenBy(p => p.K);

    private static double Median(IReadOnlyList<MethodCosts> costs, Func<MethodCosts, double> value)
    {
        var sorted = costs.Select(value).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string D(PairedDifference? d) => d is { } x
        ? x.Mean.ToString("+0.00;−0.00;0.00", CultureInfo.InvariantCulture) + (x.StandardError is { } se ? " ± " + se.ToString("F2", CultureInfo.InvariantCulture) : "")
        : "-";

    private static string F(double? v) => v is { } x ? x.ToString("F2", CultureInfo.InvariantCulture) : "-";
    private static string P(double? v) => v is { } x && double.IsFinite(x) ? (100 * x).ToString("F1", CultureInfo.InvariantCulture) + "%" : "-";

    private static void WritePool(Utf8JsonWriter w, BenchmarkPool p)
    {
        w.WriteStartObject();
        w.WriteNumber("rank", p.Rank);
        w.WriteString("settings_sha256", p.SettingsHash);
        if (p.BuildTime is { } t) w.WriteNumber("build_seconds", Math.Round(t.TotalSeconds, 1));
        w.WriteStartArray("adapters");
        foreach (var name in p.AdapterNames) w.WriteStringValue(name);
        w.WriteEndArray();
        if (p.Clusters is not null)
        {
            w.WriteStartArray("clusters");
            foreach (var c in p.Clusters)
            {
                w.WriteStartObject();
                w.WriteString("name", c.Name);
                w.WriteNumber("members", c.Members);
                w.WriteNumber("top_up", c.TopUp);
                w.WriteNumber("purity", Math.Round(c.Purity, 4));
                w.WriteStartObject("tasks");
                foreach (var (task, count) in c.Tasks) w.WriteNumber(task, count);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteStartObject("provenance");
        foreach (var (key, value) in p.Provenance.OrderBy(x => x.Key, StringComparer.Ordinal)) w.WriteString(key, value);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WritePaired(Utf8JsonWriter w, string name, PairedDifference d)
    {
        w.WriteStartObject(name);
        w.WriteNumber("mean", Math.Round(d.Mean, 6));
        if (d.StandardError is { } se) w.WriteNumber("standard_error", Math.Round(se, 6));
        else w.WriteNull("standard_error");
        w.WriteNumber("items", d.Count);
        w.WriteEndObject();
    }

    private static void WriteCosts(Utf8JsonWriter w, MethodCosts c)
    {
        w.WriteStartObject();
        w.WriteString("task", c.Task);
        w.WriteNumber("k", c.K);
        w.WriteNumber("rank", c.Rank);
        w.WriteStartObject("crayon_ms");
        w.WriteNumber("embed", Math.Round(c.Crayon.Embed.TotalMilliseconds, 3));
        w.WriteNumber("alpha", Math.Round(c.Crayon.Alpha.TotalMilliseconds, 4));
        w.WriteNumber("blend", Math.Round(c.Crayon.Blend.TotalMilliseconds, 3));
        w.WriteNumber("swap", Math.Round(c.Crayon.Swap.TotalMilliseconds, 3));
        w.WriteNumber("total", Math.Round(c.Crayon.Total.TotalMilliseconds, 3));
        w.WriteEndObject();
        w.WriteStartObject("best_single");
        w.WriteNumber("adapter", c.BestSingle);
        w.WriteNumber("forward_passes", c.BestSingleForwardPasses);
        w.WriteNumber("seconds", Math.Round(c.BestSingleTime.TotalSeconds, 2));
        w.WriteEndObject();
        w.WriteStartObject("search");
        w.WriteNumber("evaluations", c.SearchEvaluations);
        w.WriteNumber("forward_passes", c.SearchForwardPasses);
        w.WriteNumber("seconds", Math.Round(c.SearchTime.TotalSeconds, 2));
        Numbers(w, "alpha", c.SearchAlpha);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Numbers(Utf8JsonWriter w, string name, IEnumerable<double> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteNumberValue(Math.Round(v, 6));
        w.WriteEndArray();
    }
}
