using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Tasks;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon train eval`: how well a model answers QA items (mean answer NLL, accuracy), alone and with
/// each adapter or other model given, all on the same items, with each variant's paired NLL difference
/// from the first model alone.
/// </summary>
internal static class TrainEvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "GGUF model (the reference row)", Required = true };
        var lora = new Option<string[]>("--lora") { Description = "a LoRA adapter for --model to score as its own row; repeat for several", AllowMultipleArgumentsPerToken = false };
        var others = new Option<string[]>("--compare-model") { Description = "another model (e.g. a fine-tuned one) to score as its own row; repeat for several", AllowMultipleArgumentsPerToken = false };
        var data = new TrainingDataOptions("test");
        data.MaxItems.DefaultValueFactory = _ => 200;
        var threads = new Option<int>("--threads") { Description = "CPU threads", DefaultValueFactory = _ => 1 };
        var output = new ReportOutput("also write the rows as JSON to this file");
        var command = new Command("eval", "Score QA items (default: 200 seeded test items per task) with a model, its adapters and other models") { model, lora, others, threads };
        data.AddTo(command);
        output.AddTo(command);
        command.SetAction((result, cancellation) => Task.FromResult(ReportOutput.Emit(output.Json(result), () =>
        {
            LlamaRuntime.Initialize();
            var items = data.Load(result);
            var contextOptions = new LlamaContextOptions { ContextLength = 0, Threads = result.GetValue(threads) };
            var rows = new List<Row>();
            var basePath = result.GetValue(model)!;
            using (var loaded = LlamaModel.Load(basePath, new LlamaModelOptions { Backend = LlamaBackend.Cpu }))
            {
                rows.AddRange(Score(loaded, null, Path.GetFileName(basePath), items, contextOptions, cancellation));
                foreach (var path in result.GetValue(lora) ?? [])
                    rows.AddRange(Score(loaded, path, $"+ {Path.GetFileName(path)}", items, contextOptions, cancellation));
            }
            foreach (var path in result.GetValue(others) ?? [])
            {
                using var other = LlamaModel.Load(path, new LlamaModelOptions { Backend = LlamaBackend.Cpu });
                rows.AddRange(Score(other, null, Path.GetFileName(path), items, contextOptions, cancellation));
            }
            var report = Report(rows);
            CliConsole.Current().Write(Table(report));
            var text = JsonSerializer.Serialize(report, TrainEvalJson.Default.IReadOnlyListReportLine);
            if (output.OutPath(result) is { } file) Formats.AtomicFile.WriteText(file, text);
            return output.Json(result) ? JsonNode.Parse(text) : null;
        })));
        return command;
    }

    private sealed record Row(string Variant, string Task, IReadOnlyList<ItemScore> Scores);

    /// <summary>One line of the report (also its JSON record).</summary>
    internal sealed record ReportLine(string Task, string Variant, int Items, double MeanNll, double? NllStandardError, double MeanNllPerToken,
        double Accuracy, double? AccuracyStandardError, double DeltaNll, double? DeltaNllStandardError);

    private static IEnumerable<Row> Score(LlamaModel model, string? adapterPath, string variant, IReadOnlyList<QaItem> items,
        LlamaContextOptions options, CancellationToken cancellation)
    {
        using var context = model.CreateContext(options);
        using var adapter = adapterPath is null ? null : LlamaAdapter.Load(model, adapterPath);
        if (adapter is not null) context.ApplyAdapters(AdapterSet.Single(adapter));
        return items.GroupBy(i => i.Task).Select(g => new Row(variant, g.Key, QaModelScorer.ScoreAll(context, g, cancellation))).ToArray();
    }

    private static IReadOnlyList<ReportLine> Report(IReadOnlyList<Row> rows) => rows.Select(row =>
    {
        var metrics = MetricAccumulator.Summarize(row.Task, row.Scores);
        var reference = rows.First(r => r.Task == row.Task);
        var delta = PairedDifference.Of(row.Scores.Select(s => s.GoldNll).ToArray(), reference.Scores.Select(s => s.GoldNll).ToArray());
        return new ReportLine(row.Task, row.Variant, metrics.Count, metrics.MeanNll, metrics.NllStandardError, metrics.MeanNllPerToken,
            metrics.Accuracy, metrics.AccuracyStandardError, delta.Mean, delta.StandardError);
    }).ToArray();

    private static Table Table(IReadOnlyList<ReportLine> lines)
    {
        var table = new Table().AddColumns("task", "variant", "items", "answer NLL", "Δ vs first (paired)", "accuracy");
        foreach (var l in lines)
            table.AddRow(Markup.Escape(l.Task), Markup.Escape(l.Variant), l.Items.ToString(CultureInfo.InvariantCulture),
                $"{F(l.MeanNll)} ± {F(l.NllStandardError)}", $"{F(l.DeltaNll)} ± {F(l.DeltaNllStandardError)}", $"{P(l.Accuracy)} ± {P(l.AccuracyStandardError)}");
        return table;
    }

    private static string F(double? value) => value is { } v ? v.ToString("F2", CultureInfo.InvariantCulture) : "-";
    private static string P(double? value) => value is { } v ? (100 * v).ToString("F1", CultureInfo.InvariantCulture) + "%" : "-";
}
