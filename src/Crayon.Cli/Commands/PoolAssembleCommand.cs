using System.CommandLine;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Models;
using Crayon.Pool.Assembly;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>`crayon pool assemble --adapter A --examples A.txt ... -o pool.gguf`: a pool from adapters the user already has.</summary>
internal static class PoolAssembleCommand
{
    public static Command Create()
    {
        var adapters = new Option<string[]>("--adapter", "-a") { Description = "a LoRA GGUF file or a PEFT directory (repeatable; pairs with --examples in order)", Required = true, AllowMultipleArgumentsPerToken = false };
        var examples = new Option<string[]>("--examples", "-e") { Description = "the matching adapter's example texts, one per line: their mean embedding is its centroid", Required = true };
        var model = new Option<string?>("--model", "-m") { Description = "the GGUF model the adapters are for (default: the imported stories260K)" };
        var signal = new Option<string?>("--signal") { Description = "embedding signal of the centroids: hidden (default, as pool build) or query" };
        var trainedOn = new Option<long[]>("--trained-on") { Description = "how many examples the matching adapter was trained on (repeatable, in --adapter order, for every adapter or none): the pool's prior weighs each adapter by its share, as a built pool weighs its clusters; without it the prior is uniform" };
        var output = new Option<string>("--output", "-o") { Description = "the pool file to write", Required = true };
        var command = new Command("assemble", "Assemble a pool from existing adapters (GGUF LoRAs or PEFT directories) and example texts per adapter")
        {
            adapters, examples, trainedOn, model, signal, output,
        };
        command.SetAction(result =>
        {
            var adapterPaths = result.GetValue(adapters) ?? [];
            var examplePaths = result.GetValue(examples) ?? [];
            if (adapterPaths.Length != examplePaths.Length)
                throw new UsageException($"{adapterPaths.Length} --adapter but {examplePaths.Length} --examples: give one examples file per adapter, in the same order");
            var sizes = result.GetValue(trainedOn) ?? [];
            if (sizes.Length != 0 && sizes.Length != adapterPaths.Length)
                throw new UsageException($"{adapterPaths.Length} --adapter but {sizes.Length} --trained-on: give one training-set size per adapter, in the same order, or none");
            if (sizes.Where(n => n < 1).ToArray() is [var bad, ..])
                throw new UsageException($"--trained-on {bad}: a training-set size is at least 1");
            var outputPath = result.GetValue(output)!;
            OutputFolder.EnsureExists(outputPath, "--output");
            var kind = result.GetValue(signal) is { } s ? SignalOption.Parse(s, "--signal") : EmbeddingSignal.Hidden;
            LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
            var modelPath = result.GetValue(model) ?? DefaultModel.EnsureImported();
            var inputs = adapterPaths.Select((a, i) => new AssemblyInput(a, examplePaths[i], TrainedOn: sizes.Length == 0 ? null : sizes[i])).ToArray();
            var pool = PoolAssembler.Assemble(modelPath, inputs, kind);
            AdapterPoolFile.Write(pool, outputPath);
            CliConsole.Current().WriteLine($"Wrote {Path.GetFullPath(outputPath)}: {pool.Count} adapters (rank {pool.Adapters.Rank}), centroids from {kind.ToString().ToLowerInvariant()} embeddings of their examples");
            return 0;
        });
        return command;
    }
}
