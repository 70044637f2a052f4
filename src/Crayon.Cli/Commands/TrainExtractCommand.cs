using System.CommandLine;
using Crayon.Adapters;
using Crayon.Formats.Gguf;
using Crayon.Training;

namespace Crayon.Cli.Commands;

/// <summary>`crayon train extract`: the rank-r LoRA adapter that best approximates the change from one model to another.</summary>
internal static class TrainExtractCommand
{
    public static Command Create()
    {
        var baseModel = new Option<string>("--base") { Description = "the model before fine-tuning (GGUF)", Required = true };
        var tuned = new Option<string>("--tuned") { Description = "the fine-tuned model (GGUF, same tensors)", Required = true };
        var rank = new Option<int>("--rank", "-r") { Description = "adapter rank", DefaultValueFactory = _ => 8 }.AtLeast(1);
        var output = new Option<string>("--output", "-o") { Description = "adapter GGUF to write", Required = true };
        var json = JsonOutput.CreateOption();
        var command = new Command("extract", "Extract a LoRA adapter (truncated SVD of the weight change) from a base and a fine-tuned model")
        {
            baseModel, tuned, rank, output, json,
        };
        command.SetAction(result =>
        {
            var deltas = ChangedMatrices(GgufReader.Read(result.GetValue(baseModel)!), GgufReader.Read(result.GetValue(tuned)!));
            var before = GgufReader.ReadLayout(result.GetValue(baseModel)!);
            var adapter = LoraExtractor.Extract(deltas, result.GetValue(rank), before.Metadata.GetString(GgufKeys.Architecture));
            LoraAdapterGguf.WriteFile(adapter, result.GetValue(output)!);
            if (result.GetValue(json))
            {
                JsonOutput.Write(new System.Text.Json.Nodes.JsonObject
                {
                    ["output"] = Path.GetFullPath(result.GetValue(output)!),
                    ["rank"] = adapter.UniformRank,
                    ["pairs"] = adapter.Pairs.Count,
                    ["changedMatrices"] = deltas.Count,
                });
                return 0;
            }
            Console.WriteLine($"wrote {result.GetValue(output)}: rank {adapter.UniformRank}, {adapter.Pairs.Count} tensor pairs from {deltas.Count} changed matrices");
            return 0;
        });
        return command;
    }

    /// <summary>Block matrices whose values differ between the two files; both must hold the same tensors.</summary>
    internal static IReadOnlyList<TunedTensor> ChangedMatrices(GgufFile before, GgufFile after)
    {
        var changed = new List<TunedTensor>();
        foreach (var t in before.Tensors)
        {
            if (!after.TryGetTensor(t.Name, out var u))
                throw new InvalidDataException($"'{after.SourceName}' has no tensor '{t.Name}': the two files are not the same model");
            if (!t.Info.Dimensions.SequenceEqual(u.Info.Dimensions))
                throw new InvalidDataException($"tensor '{t.Name}' is [{string.Join(", ", t.Dimensions)}] in '{before.SourceName}' but [{string.Join(", ", u.Dimensions)}] in '{after.SourceName}'");
            if (t.Dimensions.Count != 2 || TensorSelection.ModuleOf(t.Name) is null || t.Data.Span.SequenceEqual(u.Data.Span)) continue;
            changed.Add(new TunedTensor(t.Name, t.Dimensions.ToArray(), t.ToFloat32(), u.ToFloat32()));
        }
        if (changed.Count == 0) throw new InvalidDataException($"no block matrix differs between '{before.SourceName}' and '{after.SourceName}'");
        return changed;
    }
}
