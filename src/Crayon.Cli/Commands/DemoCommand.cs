using System.CommandLine;
using System.Globalization;
using Crayon.Customization;
using Crayon.Demo;
using Crayon.Llama;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon demo`: Crayon end to end on the embedded stories260K: import the model, build (once) or reuse a small pool,
/// customize from a task's examples, and answer test questions with and without the customized adapter.
/// </summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var task = new Option<string>("--task") { Description = "the user's task: siqa, csqa, obqa, arc_easy, arc_challenge, piqa, winogrande or boolq", DefaultValueFactory = _ => "siqa" };
        var examples = new Option<int>("--examples", "-k") { Description = $"K: the user's examples (1-{DemoOptions.MaxExamples})", DefaultValueFactory = _ => 16 };
        var questions = new Option<int>("--questions") { Description = "test questions to answer", DefaultValueFactory = _ => 4 };
        var model = new Option<string?>("--model", "-m") { Description = "F32 GGUF model (default: stories260K, imported into .crayon/models)" };
        var seed = new Option<long>("--seed") { DefaultValueFactory = _ => 1, Description = "seed of the pool, the examples and the questions" };
        var alpha = new AlphaCommandOptions();
        var command = new Command("demo", "Crayon end to end: build or reuse a pool, customize to a task's examples, answer questions with and without the adapter")
        {
            task, examples, questions, model, seed,
        };
        alpha.AddTo(command);
        command.SetAction((result, cancellation) =>
        {
            LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
            var options = new DemoOptions
            {
                Task = result.GetValue(task)!,
                Examples = result.GetValue(examples),
                Questions = result.GetValue(questions),
                ModelPath = result.GetValue(model),
                Seed = result.GetValue(seed),
                Customizer = CustomizerOptions.Default with { Alpha = alpha.Alpha(result), Mode = alpha.Mode(result) },
            };
            using var demo = new DemoRunner(options);
            var console = CliConsole.Current();
            var modelPath = demo.EnsureModel();
            console.MarkupLineInterpolated($"[bold]1. Model[/]: {modelPath}");
            var pool = demo.EnsurePool();
            if (pool.Built is null) console.MarkupLineInterpolated($"[bold]2. Pool[/]: reused {pool.Path}");
            else
            {
                console.MarkupLineInterpolated($"[bold]2. Pool[/]: built {pool.Path} in {pool.Built.Elapsed.TotalSeconds:F0} s");
                console.Write(PoolBuildCommand.ClusterTable(pool.Built));
            }
            var customization = demo.Customize();
            console.MarkupLineInterpolated($"[bold]3. Customize[/] to {customization.Task} from {customization.Examples.Count} examples, e.g. \"{Shorten(customization.Examples[0].Question)}\"");
            console.Write(CustomizeCommand.AlphaTable(customization.Pool, customization.Result));
            console.WriteLine(CustomizeCommand.Timings(customization.Result, customization.BlendDevice));
            console.MarkupLine("[bold]4. Answers[/] (choice by log-likelihood; NLL of the gold answer):");
            var answers = demo.Answer();
            console.Write(AnswerTable(answers));
            console.MarkupLineInterpolated(
                $"gold-answer NLL over these {answers.Count} questions: base {answers.Average(a => a.Base.GoldNll):F2}, customized {answers.Average(a => a.Customized.GoldNll):F2}");
            return Task.FromResult(0);
        });
        return command;
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
