using System.CommandLine;
using Crayon.Training;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>`crayon train full`: fine-tune a model's weights and write the tuned model as GGUF.</summary>
internal static class TrainFullCommand
{
    public static Command Create()
    {
        var common = new TrainingCommandOptions(TrainingOptions.FineTuneDefaults);
        var command = new Command("full", "Fine-tune a model on QA items and write the tuned model (the base file with its trained tensors replaced)");
        common.AddTo(command);
        command.SetAction((result, cancellation) =>
        {
            var options = common.Options(result);
            var path = common.ModelPath(result);
            var texts = common.Texts(result, options);
            var tuned = TrainingProgressBar.Run(CliConsole.Error(), "fine-tune", progress => FineTuner.Run(path, texts, options, progress, cancellation));
            var output = result.GetValue(common.Output)!;
            tuned.WriteModel(output);
            if (result.GetValue(common.Json))
            {
                var json = TrainingCommandOptions.ToJson(tuned.Statistics);
                json["output"] = Path.GetFullPath(output);
                json["tensors"] = tuned.Tensors.Count;
                json["targets"] = options.Targets.ToString();
                JsonOutput.Write(json);
                return Task.FromResult(0);
            }
            Console.WriteLine(TrainingCommandOptions.Describe(tuned.Statistics));
            Console.WriteLine($"wrote {output}: {tuned.Tensors.Count} tensors trained ({options.Targets})");
            return Task.FromResult(0);
        });
        return command;
    }
}
