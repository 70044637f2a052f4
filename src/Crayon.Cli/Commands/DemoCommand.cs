using Crayon.Evaluation;
using Crayon.Tasks;
using System.CommandLine;
using System.Globalization;
using Crayon.Customization;
using Crayon.Demo;
using Crayon.Hybrid;
using Crayon.Hybrid.Endpoint;
using Crayon.Hybrid.ServerModel;
using Crayon.Llama;
using Crayon.Routing;
using Crayon.Server.Hosting;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon demo`: Crayon end to end on the embedded stories260K: import the model, build (once) or reuse a small pool,
/// customize from a task's examples, answer test questions with and without the customized adapter, then start a server
/// in-process on 127.0.0.1 (serving a stronger model, trained once and cached) and answer a mix of the task's questions
/// and out-of-scope MMLU questions with the hybrid, printing where each went and why.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "the user's task: siqa, csqa, obqa, arc_easy, arc_challenge, piqa, winogrande or boolq", DefaultValueFactory = _ => "siqa" };
        var examples = new Option<int>("--examples", "-k") { Description = $"K: the user's examples (2-{DemoOptions.MaxExamples}: the router calibrates on them leave-one-out)", DefaultValueFactory = _ => 16 };
        var questions = new Option<int>("--questions") { Description = "the task's test questions to answer (with and without the adapter, then in the hybrid's mixed set)", DefaultValueFactory = _ => 6 };
        var model = new Option<string?>("--model", "-m") { Description = "F32 GGUF model (default: stories260K, imported into .crayon/models)" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1, Description = "seed of the pool, the examples and the questions" };
        var outOfScope = new Option<int>("--out-of-scope") { Description = "out-of-scope MMLU questions mixed into the hybrid step", DefaultValueFactory = _ => 6 };
        var ratio = new Option<double>("--ratio") { Description = "routing knob: share of queries like the user's examples that go to the server", DefaultValueFactory = _ => 0.2 };
        var policy = new Option<string>("--policy") { Description = "routing policy: similarity, confidence, combined or random", DefaultValueFactory = _ => "similarity" };
        var serverModel = new Option<string?>("--server-model") { Description = "the server's GGUF model (default: stories260K fine-tuned on every train split, quick recipe, trained once and cached)" };
        var serverRecipe = new Option<string>("--server-recipe") { Description = "how the default server model is made: quick (30 s on 2 cores) or full (about 5.5 min)", DefaultValueFactory = _ => "quick" };
        var alpha = new AlphaCommandOptions();
        var command = new Command("demo", "Crayon end to end: build or reuse a pool, customize to a task's examples, answer questions with and without the adapter, route a mixed set between device and server")
        {
            task, examples, questions, model, seed, outOfScope, ratio, policy, serverModel, serverRecipe,
        };
        alpha.AddTo(command);
        command.SetAction(async (result, cancellation) =>
        {
            LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
            var options = new DemoOptions
            {
                Task = result.GetValue(task)!,
                Examples = result.GetValue(examples),
                Questions = result.GetValue(questions),
                ModelPath = result.GetValue(model),
                Seed = result.GetValue(seed),
                OutOfScopeQuestions = result.GetValue(outOfScope),
                RoutingRatio = result.GetValue(ratio),
                Policy = Enum.TryParse<RoutingPolicy>(result.GetValue(policy), ignoreCase: true, out var p) && Enum.IsDefined(p) && !int.TryParse(result.GetValue(policy), out _)
                    ? p : throw new UsageException($"--policy must be similarity, confidence, combined or random, not '{result.GetValue(policy)}'"),
                ServerModelPath = result.GetValue(serverModel),
                ServerRecipe = result.GetValue(serverRecipe) switch
                {
                    "quick" => ServerModelRecipe.Quick,
                    "full" => ServerModelRecipe.Full,
                    var other => throw new UsageException($"--server-recipe must be quick or full, not '{other}'"),
                },
                Customizer = CustomizerOptions.Default with { Alpha = alpha.Alpha(result), Mode = alpha.Mode(result) },
            };
            using var demo = new DemoRunner(options);
            var console = CliConsole.Current();
            var modelPath = demo.EnsureModel();
            console.MarkupLineInterpolated($"[bold]1. Model[/]: {modelPath}");
            var pool = PoolBuildProgressBar.Run(console, progress => demo.EnsurePool(progress, cancellation));
            if (pool.Built is null) console.MarkupLineInterpolated($"[bold]2. Pool[/]: reused {pool.Path}");
            else
            {
                console.MarkupLineInterpolated($"[bold]2. Pool[/]: built {pool.Path} in {pool.Built.Elapsed.TotalSeconds:F0} s");
                console.Write(PoolBuildCommand.ClusterTable(pool.Built));
            }
            var customization = demo.Customize();
            console.MarkupLineInterpolated($"[bold]3. Customize[/] to {customization.Task} from {customization.Examples.Count} examples, e.g. \"{Shorten(customization.Examples[0].Question)}\"");
            console.Write(CustomizeCommand.AlphaTable(customization.Pool, customization.Result));
            if (customization.Result.Guard is { } verdict) console.WriteLine(verdict.ToString());
            console.WriteLine(CustomizeCommand.Timings(customization.Result, customization.BlendDevice));
            console.MarkupLine("[bold]4. Answers[/] (choice by log-likelihood; NLL of the gold answer):");
            var answers = demo.Answer();
            console.Write(AnswerTable(answers));
            console.MarkupLineInterpolated(
                $"gold-answer NLL over these {answers.Count} questions: base {answers.Average(a => a.Base.GoldNll):F2}, customized {answers.Average(a => a.Customized.GoldNll):F2}");

            var serverModelFile = TrainingProgressBar.Run(console, "server model", progress => demo.EnsureServerModel(progress, cancellation));
            if (serverModelFile.Statistics is not null)
                console.MarkupLineInterpolated($"[bold]5. Server model[/]: trained {serverModelFile.Path} in {serverModelFile.Elapsed!.Value.TotalSeconds:F0} s ({serverModelFile.Recipe.Name} recipe: the device model fine-tuned on {serverModelFile.TrainingItems} train items of every task)");
            else
                console.MarkupLineInterpolated($"[bold]5. Server model[/]: {serverModelFile.Path} ({(serverModelFile.TrainingItems > 0 ? $"cached, {serverModelFile.Recipe.Name} recipe" : "named")})");
            await using var server = await CrayonServer.StartAsync(new CrayonServerOptions
            {
                ModelPath = serverModelFile.Path, ModelId = "crayon-server", Backend = LlamaBackend.Cpu, Threads = 1, ContextLength = 512, Contexts = 1,
            }, cancellation);
            using var endpoint = new OpenAiEndpoint(new OpenAiEndpointOptions { BaseUrl = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) });
            console.MarkupLineInterpolated($"   serving it in-process at {server.BaseUrl} (OpenAI-compatible: POST /v1/completions)");
            console.MarkupLine("[bold]6. Hybrid[/]: the task's questions mixed with out-of-scope MMLU questions; each stays on the customized device or goes to the server:");
            var routing = await demo.RouteAsync(endpoint, null, cancellation);
            console.MarkupLineInterpolated(
                $"router: {routing.Router.Rule}, calibrated on the {routing.CalibrationExamples} examples to route {routing.Router.TargetRatio:P0} of queries like them (similarity: cos of centered hidden states to q_c)");
            console.Write(RoutingTable(routing));
            foreach (var (q, a) in routing.Questions.Zip(routing.Answers).Select(p => (p.First, p.Second)))
                console.MarkupLineInterpolated($"  [dim]{q.Item.Id} → {a.Why}[/]");
            console.WriteLine(Summary(routing));
            return 0;
        });
        return command;
    }

    private static Table RoutingTable(DemoRouting routing)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("question", "from", "similarity", "confidence", "answered by", "answer");
        foreach (var (q, a) in routing.Questions.Zip(routing.Answers).Select(p => (p.First, p.Second)))
        {
            var chosen = MultipleChoiceScorer.Score(q.Item.Answer, a.Chosen!);
            table.AddRow(Markup.Escape(Shorten(q.Item.Question, 48)), Markup.Escape(q.InScope ? q.Item.Task : $"{q.Item.Task} (out of scope)"),
                a.Decision.Similarity.ToString("F3", CultureInfo.InvariantCulture),
                a.Decision.Confidence?.ToString("F3", CultureInfo.InvariantCulture) ?? "-",
                a.Source == AnswerSource.Server ? "[blue]server[/]" : Markup.Escape(a.Where),
                Pick(q.Item, chosen));
        }
        return table;
    }

    private static string Summary(DemoRouting routing)
    {
        var pairs = routing.Questions.Zip(routing.Answers).ToArray();
        string Part(bool inScope)
        {
            var set = pairs.Where(p => p.First.InScope == inScope).ToArray();
            return $"{set.Count(p => p.Second.Source == AnswerSource.Server)} of {set.Length} {(inScope ? "in-scope" : "out-of-scope")}";
        }
        var routed = routing.Answers.Where(a => a.Source != AnswerSource.Device).ToArray();
        var failures = routing.Answers.Count(a => a.Source == AnswerSource.DeviceFallback);
        var scored = pairs.Select(p => MultipleChoiceScorer.Score(p.First.Item.Answer, p.Second.Chosen!)).ToArray();
        var nll = scored.Average(s => s.GoldNll);
        return string.Create(CultureInfo.InvariantCulture,
            $"sent to the server: {Part(false)} and {Part(true)} questions; {routed.Sum(a => a.BytesSent)} B sent in all (the question text and its choices, never the user's examples); " +
            $"accuracy {scored.Average(s => s.Credit):P0} on this mix; gold-answer NLL {nll:F2}") +
            (failures > 0 ? $"; {failures} server failure(s) answered on the device" : "");
    }

    private static Table AnswerTable(IReadOnlyList<DemoAnswer> answers)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("question", "gold", "base model", "customized");
        foreach (var a in answers)
            table.AddRow(Markup.Escape(Shorten(a.Question.Question)), Markup.Escape(Shorten(a.Question.AnswerText, 30)),
                Pick(a.Question, a.Base), Pick(a.Question, a.Customized));
        return table;
    }

    private static string Pick(Tasks.QaItem item, Evaluation.ItemScore score) =>
        $"{(score.IsCorrect ? "[green]✓[/]" : "[red]✗[/]")} {Markup.Escape(Shorten(item.Choices[score.Predicted], 30))} (NLL {score.GoldNll.ToString("F1", CultureInfo.InvariantCulture)})";

    private static string Shorten(string text, int max = 60)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }
}
