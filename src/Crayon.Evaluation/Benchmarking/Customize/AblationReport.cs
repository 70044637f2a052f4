using System.Globalization;
using System.Text;
using System.Text.Json;
using Crayon.Formats;
using Spectre.Console;

namespace Crayon.Benchmarking.Customize;

/// <summary>The ablation's table, JSON and markdown: variants ranked by validation NLL relative to the uniform blend.</summary>
public static class AblationReport
{
    public static Table Table(IReadOnlyList<AblationSummary> summary)
    {
        var table = new Table { Title = new TableTitle("Ablation on validation items (NLL ÷ uniform blend's, mean over tasks; lower is better)"), Border = TableBorder.Rounded };
        table.AddColumns("variant", "NLL ÷ uniform", "accuracy", "below base and uniform", "below base");
        foreach (var s in summary.OrderBy(s => s.RelativeNll))
            table.AddRow(Markup.Escape(s.Variant.Name), s.RelativeNll.ToString("F4", CultureInfo.InvariantCulture),
                s.MeanAccuracy.ToString("P1", CultureInfo.InvariantCulture), $"{s.Wins}/{s.Tasks}", $"{s.BelowBase}/{s.Tasks}");
        return table;
    }

    public static void WriteJson(string path, CustomizeBenchmarkSettings settings, IReadOnlyList<AblationRow> rows, IReadOnlyList<AblationSummary> summary)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("benchmark", "customize-ablation");
            w.WriteStartObject("settings");
            foreach (var (key, value) in settings.Describe("")) if (key != "model") w.WriteString(key, value);
            w.WriteEndObject();
            w.WriteStartArray("summary");
            foreach (var s in summary.OrderBy(s => s.RelativeNll))
            {
                w.WriteStartObject();
                WriteVariant(w, s.Variant);
                w.WriteNumber("nll_relative_to_uniform", Math.Round(s.RelativeNll, 6));
                w.WriteNumber("accuracy", Math.Round(s.MeanAccuracy, 6));
                w.WriteNumber("wins", s.Wins);
                w.WriteNumber("tasks", s.Tasks);
                w.WriteNumber("below_base", s.BelowBase);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("rows");
            foreach (var r in rows)
            {
                w.WriteStartObject();
                w.WriteString("task", r.Task);
                WriteVariant(w, r.Variant);
                w.WriteNumber("items", r.Metrics.Count);
                w.WriteNumber("nll", Math.Round(r.Metrics.MeanNll, 6));
                w.WriteNumber("accuracy", Math.Round(r.Metrics.Accuracy, 6));
                w.WriteNumber("base_nll", Math.Round(r.Base.MeanNll, 6));
                w.WriteNumber("uniform_nll", Math.Round(r.Uniform.MeanNll, 6));
                w.WriteStartArray("alpha");
                foreach (var a in r.Alpha) w.WriteNumberValue(Math.Round(a, 6));
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        AtomicFile.Write(path, buffer.ToArray());
    }

    public static string Markdown(CustomizeBenchmarkSettings settings, IReadOnlyList<AblationRow> rows, IReadOnlyList<AblationSummary> summary, Benchmarking.MachineInfo machine)
    {
        var md = new StringBuilder();
        string I(FormattableString f) => f.ToString(CultureInfo.InvariantCulture);
        md.AppendLine("# Customization ablation (validation items)").AppendLine();
        md.AppendLine(I($"Machine: {machine.Cpu}, {machine.Cores} cores. K = {settings.Ks.Max()} user examples, rank {settings.MainRank}, N = {settings.Adapters}; ") +
                      I($"scored on up to {rows.Select(r => r.Metrics.Count).DefaultIfEmpty().Max()} validation items per task carved from the train split (never test)."));
        if (settings.LeavesTasksOut)
            md.AppendLine().AppendLine(I($"Leave-tasks-out: the pool was built without {string.Join(", ", settings.LeaveOut)}, and only they are scored."));
        md.AppendLine().AppendLine("| variant | NLL ÷ uniform | accuracy | tasks below base and uniform | tasks below base |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var s in summary.OrderBy(s => s.RelativeNll))
            md.AppendLine(I($"| {s.Variant.Name} | {s.RelativeNll:F4} | {s.MeanAccuracy:P1} | {s.Wins}/{s.Tasks} | {s.BelowBase}/{s.Tasks} |"));
        md.AppendLine().AppendLine("Per task, the base model, the uniform blend and the best variant:").AppendLine();
        md.AppendLine("| task | base | uniform | best variant | its NLL |").AppendLine("|---|---:|---:|---|---:|");
        foreach (var g in rows.GroupBy(r => r.Task))
        {
            var best = g.MinBy(r => r.Metrics.MeanNll)!;
            md.AppendLine(I($"| {g.Key} | {best.Base.MeanNll:F2} | {best.Uniform.MeanNll:F2} | {best.Variant.Name} | {best.Metrics.MeanNll:F2} |"));
        }
        return md.ToString();
    }

    private static void WriteVariant(Utf8JsonWriter w, AblationVariant v)
    {
        w.WriteString("variant", v.Name);
        w.WriteString("signal", v.Signal.ToString().ToLowerInvariant());
        w.WriteBoolean("centered", v.Center);
        w.WriteNumber("tau", v.Tau);
        if (v.TopK is { } k) w.WriteNumber("top_k", k); else w.WriteNull("top_k");
        w.WriteString("mode", AblationVariant.AlphaCommandName(v.Mode));
        w.WriteString("hub_correction", CustomizeBenchmarkSettings.HubName(v.Hub));
    }
}
