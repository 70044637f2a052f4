using System.CommandLine;
using Crayon.Benchmarking;
using Crayon.Formats.Gguf;
using Crayon.Llama;
using Crayon.Models;

namespace Crayon.Cli.Commands;

/// <summary>
/// The model of the llama benchmarks: --model, or else a random model of --shape made in memory (F16, seeded), so the
/// benchmarks run without a download. Shapes too big for one in-memory image are written with `crayon model random`.
/// </summary>
internal sealed class BenchModelOptions
{
    private const long InMemoryLimit = int.MaxValue;

    public BenchModelOptions(LlamaCommandOptions llama)
    {
        Llama = llama;
        llama.Model.Required = false;
        llama.Model.Description = "GGUF model to benchmark (default: a random model of --shape, made in memory)";
    }

    public LlamaCommandOptions Llama { get; }

    public Option<string> Shape { get; } = new("--shape")
    {
        Description = $"shape of the random model when no --model is given: smollm-135m, {string.Join(", ", LoraShape.Known.Select(s => s.Name))}",
        DefaultValueFactory = _ => "smollm-135m",
    };

    public void AddTo(Command command)
    {
        command.Add(Shape);
        Llama.AddTo(command);
    }

    public static LlamaHyperparameters Hyperparameters(string shape) =>
        string.Equals(shape, "smollm-135m", StringComparison.OrdinalIgnoreCase) ? LlamaHyperparameters.SmolLM135M : LoraShape.Find(shape).Model;

    public LlamaModel Load(ParseResult result)
    {
        if (result.GetValue(Llama.Model) is not null) return Llama.LoadModel(result);
        var shape = result.GetValue(Shape)!;
        var h = Hyperparameters(shape);
        var bytes = 2L * ((long)h.VocabSize * h.EmbeddingLength * (h.TiedOutput ? 1 : 2)
                          + (long)h.BlockCount * (2L * h.EmbeddingLength * (h.EmbeddingLength + h.KvDimension) + 3L * h.EmbeddingLength * h.FeedForwardLength));
        if (bytes > InMemoryLimit)
            throw new ArgumentException($"a random {shape} model ({bytes / (1 << 20):N0} MiB in F16) is too big to make in memory; write it with " +
                                        $"`crayon model random --preset {shape} --type f16 -o FILE` and pass --model FILE");
        using var image = new MemoryStream();
        RandomLlamaModel.Write(image, h, new RandomLlamaModelOptions(Seed: 1, Storage: GgmlType.F16, Name: $"random {shape}"));
        return Llama.LoadModel(result, image.GetBuffer().AsMemory(0, (int)image.Length), $"random {shape}");
    }
}
