using System.CommandLine;
using System.Globalization;
using Crayon.Evaluation;
using Crayon.Llama;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>`crayon train eval`: how well a model (with an adapter) answers QA items: mean answer NLL and accuracy.</summary>
internal static class TrainEvalCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "GGUF model", Required = true };
        var lora = new Option<string?>("--lora") { Description = "GGUF LoRA adapter to apply" };
        var data = new TrainingDataOptions("test");
        data.MaxItems.DefaultValueFactory = _ => 200;
        var threads = new Option<int>("--threads") { Description = "CPU threads", DefaultValueFactory = _ => 1 };
        var command = new Command("eval", "Score QA items (default: 200 seeded test items per task) by the log-likelihood of each choice") { model, lora, threads };
        data.AddTo(command);
        command.SetAction((result, cancellation) =>
        {
            LlamaRuntime.Initialize();
            var items = data.Load(result);
            using var loaded = LlamaModel.Load(result.GetValue(model)!, new LlamaModelOptions { Backend = LlamaBackend.Cpu });
            using var context = loaded.CreateContext(new LlamaContextOptions { ContextLength = 0, Threads = result.GetValue(threads) });
            using var adapter = result.GetValue(lora) is { } path ? LlamaAdapter.Load(loaded, path) : null;
            if (adapter is not null) context.ApplyAdapters(AdapterSet.Single(adapter));
            var table = new Table().AddColumns("task", "items", "answer NLL", "± s.e.", "NLL/token", "accuracy", "± s.e.");
            foreach (var group in items.GroupBy(i => i.Task))
            {
                var m = QaModelScorer.Evaluate(context, group.Key, group, cancellation);
                table.AddRow(Markup.Escape(m.Task), m.Count.ToString(CultureInfo.InvariantCulture), F(m.MeanNll), F(m.NllStandardError),
                    F(m.MeanNllPerToken), m.Accuracy.ToString("P1", CultureInfo.InvariantCulture), m.AccuracyStandardError is { } e ? e.ToString("P1", CultureInfo.InvariantCulture) : "");
            }
            AnsiConsole.Write(table);
            return Task.FromResult(0);
        });
        return command;
    }

    private static string F(double? value) => value is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "";
}
