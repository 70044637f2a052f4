using System.CommandLine;
using Crayon.Adapters;
using Crayon.Training;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>`crayon train lora`: a rank-r LoRA adapter from QA items.</summary>
internal static class TrainLoraCommand
{
    public static Command Create()
    {
        var common = new TrainingCommandOptions(TrainingOptions.AdapterDefaults);
        var rank = new Option<int>("--rank", "-r") { Description = "adapter rank", DefaultValueFactory = _ => 8 };
        var route = new Option<string>("--route")
        {
            Description = "factors: train the LoRA factors directly; extract: fine-tune the targets, then keep the rank-r SVD of the change",
            DefaultValueFactory = _ => "factors",
        };
        var command = new Command("lora", "Train a LoRA adapter on QA items (prompt + gold answer) and write it as GGUF") { rank, route };
        common.AddTo(command);
        command.SetAction((result, cancellation) =>
        {
            var options = common.Options(result);
            var path = common.ModelPath(result);
            var texts = common.Texts(result, options);
            var adapterRoute = result.GetValue(route) switch
            {
                "factors" => AdapterRoute.TrainedFactors,
                "extract" => AdapterRoute.ExtractedFromFineTune,
                var other => throw new ArgumentException($"--route must be factors or extract, not '{other}'"),
            };
            if (adapterRoute == AdapterRoute.ExtractedFromFineTune && result.GetResult(common.LearningRate) is null or { Implicit: true })
                options = options with { LearningRate = TrainingOptions.FineTuneDefaults.LearningRate };
            var trained = TrainingProgressBar.Run(AnsiConsole.Console, "lora",
                progress => AdapterTrainer.Train(path, texts, result.GetValue(rank), options, adapterRoute, progress, cancellation));
            var output = result.GetValue(common.Output)!;
            LoraAdapterGguf.WriteFile(trained.Adapter, output);
            Console.WriteLine(TrainingCommandOptions.Describe(trained.Statistics));
            Console.WriteLine($"wrote {output}: rank {trained.Adapter.UniformRank}, {trained.Adapter.Pairs.Count} tensor pairs, {trained.Adapter.ParameterCount:N0} parameters");
            return Task.FromResult(0);
        });
        return command;
    }
}
