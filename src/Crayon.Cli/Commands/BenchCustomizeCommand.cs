using System.CommandLine;
using System.Globalization;
using Crayon.Benchmarking;
using Crayon.Benchmarking.Customize;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Models;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon bench customize [--quick] --out FILE`: Crayon against the base model, the uniform blend, the best single
/// adapter, a LoraHub-style search and an oracle, per task and K, with the plots; `--ablation` measures tau, top-k,
/// blend mode and signal on validation items instead.
/// </summary>
internal static class BenchCustomizeCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "the quick configuration: 12 tasks, K 32, rank 4, 100 test items per task (under 10 minutes on 2 cores from a cold cache)" };
        var report = new ReportOutput("write the records to FILE (and FILE.details.json, and the SVG plots beside it)");
        var markdown = new Option<string?>("--markdown") { Description = "also write a markdown summary" };
        var model = new Option<string?>("--model", "-m") { Description = "F32 GGUF model (default: the imported stories260K)" };
        var tasks = new Option<string?>("--tasks") { Description = "comma-separated tasks (default: the 8 QA tasks and the configuration's MMLU subjects)" };
        var ks = new Option<string?>("--k") { Description = "comma-separated K values (user examples)" };
        var ranks = new Option<string?>("--ranks") { Description = "comma-separated pool ranks (one pool each)" };
        var adapters = new Option<int?>("--adapters", "-n") { Description = "N: base adapters in the pool" };
        var testItems = new Option<int?>("--test-items") { Description = "test items scored per task (seeded subset)" };
        var perTask = new Option<int?>("--per-task-cap") { Description = "pool items per task" };
        var oracleCap = new Option<int?>("--oracle-cap") { Description = "train items for each oracle adapter" };
        var epochs = new Option<int?>("--epochs") { Description = "training epochs of pool and oracle adapters" };
        var search = new Option<int?>("--search-evals") { Description = "blends the LoraHub-style search may score" };
        var context = new Option<int?>("--context") { Description = "tokens of prompt and answer (training window and scoring budget)" };
        var jobs = new Option<int?>("--jobs") { Description = "tasks evaluated in parallel (one thread each)" };
        var seed = new Option<long?>("--seed") { Description = "seed of every sample, pool and search" };
        var signal = new Option<string?>("--signal") { Description = "query or hidden" };
        var alpha = new AlphaCommandOptions();
        var ablation = new Option<bool>("--ablation") { Description = "measure tau, top-k, linear/concat/mix and query/hidden on validation items (never test) instead" };
        var validation = new Option<int>("--validation-items") { Description = "--ablation: validation items per task", DefaultValueFactory = _ => 50 };
        var grid = new Option<string>("--ablation-grid") { Description = "--ablation: default (tau, top-k, modes, signals), hub (the hub corrections over their temperatures) or guard (the guard's candidate sets)", DefaultValueFactory = _ => "default" };
        var leaveOut = new Option<string?>("--leave-out")
        {
            Description = "leave-tasks-out: build the pool without these tasks (comma-separated) or without N of the standard QA tasks drawn with the seed, and evaluate only them (base, uniform, best single, guarded Crayon)",
        };
        var command = new Command("customize", "Customization benchmark: Crayon vs base, uniform, best single, search and oracle adapters per task and K")
        {
            quick, markdown, model, tasks, ks, ranks, adapters, testItems, perTask, oracleCap, epochs, search, context, jobs, seed, signal, ablation, validation, grid, leaveOut,
        };
        alpha.AddTo(command);
        report.AddTo(command);
        command.SetAction((result, cancellation) => Task.FromResult(ReportOutput.Emit(report.Json(result), () =>
        {
            var settings = result.GetValue(quick) ? CustomizeBenchmarkSettings.Quick : CustomizeBenchmarkSettings.Full;
            settings = settings with { Alpha = alpha.Alpha(result), Mode = alpha.Mode(result) };
            if (result.GetValue(tasks) is { } t) settings = settings with { Tasks = BlendOptionParsing.List(t, "--tasks", s => s) };
            if (result.GetValue(ks) is { } k) settings = settings with { Ks = BlendOptionParsing.List(k, "--k", s => int.Parse(s, CultureInfo.InvariantCulture)) };
            if (result.GetValue(ranks) is { } r) settings = settings with { Ranks = BlendOptionParsing.List(r, "--ranks", s => int.Parse(s, CultureInfo.InvariantCulture)) };
            if (result.GetValue(adapters) is { } n) settings = settings with { Adapters = n };
            if (result.GetValue(testItems) is { } ti) settings = settings with { TestItems = ti };
            if (result.GetValue(perTask) is { } pt) settings = settings with { PerTaskCap = pt };
            if (result.GetValue(oracleCap) is { } oc) settings = settings with { OracleCap = oc };
            if (result.GetValue(epochs) is { } e) settings = settings with { Epochs = e };
            if (result.GetValue(search) is { } se) settings = settings with { SearchEvaluations = se };
            if (result.GetValue(context) is { } c) settings = settings with { ContextLength = c };
            if (result.GetValue(jobs) is { } j) settings = settings with { Jobs = j };
            if (result.GetValue(seed) is { } sd) settings = settings with { Seed = sd };
            if (result.GetValue(signal) is { } sg) settings = settings with { Signal = SignalOption.Parse(sg, "--signal") };
            if (result.GetValue(leaveOut) is { } lo) settings = settings with { LeaveOut = ParseLeaveOut(settings, lo) };

            LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
            var modelPath = result.GetValue(model) ?? DefaultModel.EnsureImported();
            var console = CliConsole.Current();
            if (result.GetValue(ablation) && result.GetValue(grid) == "guard")
            {
                var items = result.GetValue(validation);
                var (tasks, sets) = StepProgress.Run(CliConsole.Error(), progress => GuardAblation.Run(modelPath, settings, items, progress, cancellation: cancellation));
                var machine = MachineInfo.Current();
                var text = GuardAblation.Markdown(settings, tasks, sets, machine, items);
                console.WriteLine(text);
                if (result.GetValue(markdown) is { } md) Formats.AtomicFile.WriteText(md, text);
                return ReportOutput.WriteAndRead(report.OutPath(result), report.Json(result), "guard-ablation.json", jsonPath =>
                {
                    GuardAblation.WriteJson(jsonPath, settings, tasks, sets, machine);
                    console.MarkupLineInterpolated($"Wrote {Path.GetFullPath(jsonPath)}");
                });
            }
            if (result.GetValue(ablation))
            {
                var (rows, summary) = StepProgress.Run(CliConsole.Error(), progress =>
                    CustomizeAblation.Run(modelPath, settings, Grid(result.GetValue(grid)!, settings), result.GetValue(validation), progress, cancellation: cancellation));
                console.Write(AblationReport.Table(summary));
                if (result.GetValue(markdown) is { } md) Formats.AtomicFile.WriteText(md, AblationReport.Markdown(settings, rows, summary, MachineInfo.Current()));
                return ReportOutput.WriteAndRead(report.OutPath(result), report.Json(result), "ablation.json", jsonPath =>
                {
                    AblationReport.WriteJson(jsonPath, settings, rows, summary);
                    console.MarkupLineInterpolated($"Wrote {Path.GetFullPath(jsonPath)}");
                });
            }

            var outcome = StepProgress.Run(CliConsole.Error(), progress => CustomizeBenchmark.Run(modelPath, settings, progress, cancellation: cancellation));
            BenchmarkTables.Write(console, outcome.Records);
            foreach (var (rank, kValue) in outcome.Records.Select(x => (x.Rank, x.K)).Distinct())
                console.MarkupLineInterpolated($"rank {rank}, K {kValue}: Crayon's NLL is below both base and uniform on {outcome.WinShare(rank, kValue):P0} of the tasks");
            if (result.GetValue(markdown) is { } markdownPath) Formats.AtomicFile.WriteText(markdownPath, CustomizeReport.Markdown(outcome, MachineInfo.Current()));
            return ReportOutput.WriteAndRead(report.OutPath(result), report.Json(result), "customize.json", jsonPath =>
            {
                CustomizeReport.WriteJson(jsonPath, outcome);
                var figures = CustomizeFigures.Write(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(jsonPath))!, Path.GetFileNameWithoutExtension(jsonPath)), outcome);
                console.MarkupLineInterpolated($"Wrote {Path.GetFullPath(jsonPath)}, {Path.GetFileName(CustomizeReport.DetailsPath(jsonPath))} and {figures.Count} plots in {outcome.Elapsed.TotalMinutes:F1} min");
            });
        })));
        return command;
    }

    private static IReadOnlyList<AblationVariant> Grid(string name, CustomizeBenchmarkSettings settings) => name switch
    {
        "default" => CustomizeAblation.DefaultGrid(settings.Signal),
        "hub" => CustomizeAblation.HubGrid(settings.Signal),
        _ => throw new UsageException($"--ablation-grid {name}: give default, hub or guard"),
    };

    /// <summary>A number draws that many standard tasks with the seed; else a comma-separated list of the run's tasks.</summary>
    private static IReadOnlyList<string> ParseLeaveOut(CustomizeBenchmarkSettings settings, string text)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            try { return settings.DrawLeaveOut(count); }
            catch (ArgumentOutOfRangeException e) { throw new UsageException($"--leave-out {count}: {e.Message.Split(" (Parameter")[0]}"); }
        }
        var tasks = BlendOptionParsing.List(text, "--leave-out", s => s);
        if (tasks.FirstOrDefault(t => !settings.Tasks.Contains(t, StringComparer.Ordinal)) is { } stranger)
            throw new UsageException($"--leave-out {stranger}: not one of the run's tasks ({string.Join(", ", settings.Tasks)})");
        if (tasks.Length >= settings.Tasks.Count) throw new UsageException("--leave-out: every task is left out, so the pool would have no data");
        return tasks;
    }
}
