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
        var rank = new Option<int>("--rank", "-r") { Description = "adapter rank (unset --lr/--epochs: 3e-3 for 4 epochs from rank 8, 1e-2 for 2 below)", DefaultValueFactory = _ => 8 };
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
                var other => throw new UsageException($"--route must be factors or extract, not '{other}'"),
            };
            // Unset --lr and --epochs take the measured defaults of the route (and, for trained factors, of the rank).
            var measured = adapterRoute == AdapterRoute.ExtractedFromFineTune ? TrainingOptions.FineTuneDefaults : TrainingOptions.AdapterDefaultsFor(result.GetValue(rank));
            if (IsUnset(result, common.LearningRate)) options = options with { LearningRate = measured.LearningRate };
            if (IsUnset(result, common.Epochs)) options = options with { Epochs = measured.Epochs };
            var trained = TrainingProgressBar.Run(CliConsole.Error(), "lora",
                progress => AdapterTrainer.Train(path, texts, result.GetValue(rank), options, adapterRoute, progress, cancellation));
            var output = result.GetValue(common.Output)!;
            LoraAdapterGguf.WriteFile(trained.Adapter, output);
            if (result.GetValue(common.Json))
            {
                var json = TrainingCommandOptions.ToJson(trained.Statistics);
                json["output"] = Path.GetFullPath(output);
                json["rank"] = trained.Adapter.UniformRank;
                json["pairs"] = trained.Adapter.Pairs.Count;
                json["parameters"] = trained.Adapter.ParameterCount;
                JsonOutput.Write(json);
                return Task.FromResult(0);
            }
            Console.WriteLine(TrainingCommandOptions.Describe(trained.Statistics));
            Console.WriteLine($"wrote {output}: rank {trained.Adapter.UniformRank}, {trained.Adapter.Pairs.Count} tensor pairs, {trained.Adapter.ParameterCount:N0} parameters");
            return Task.FromResult(0);
        });
        return command;
    }

    private static bool IsUnset(ParseResult result, Option option) => result.GetResult(option) is null or { Implicit: true };
}
