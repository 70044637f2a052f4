using Crayon.Models;

namespace Crayon.Benchmarking;

/// <summary>
/// A model's shape with rank-r LoRA targets on some of its linear modules: what the GPU benchmarks blend, swap and
/// decode with, on random weights (no download). Module sizes follow llama.cpp: attn_q/attn_output hidden→hidden,
/// attn_k/attn_v hidden→KV heads × head size, ffn_gate/ffn_up hidden→ff, ffn_down ff→hidden.
/// </summary>
public sealed record LoraShape(string Name, LlamaHyperparameters Model, IReadOnlyList<string> Modules, int Rank)
{
    /// <summary>The seven linear modules of a llama block (what "all linear layers" targets in PEFT).</summary>
    public static readonly IReadOnlyList<string> AllLinear = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];

    /// <summary>meta-llama/Llama-3.2-1B: hidden 2048, 16 layers, 32 query / 8 KV heads of 64, ff 8192, tied embeddings; rank 16 on all seven.</summary>
    public static LoraShape Llama32_1B { get; } = new("llama-3.2-1b",
        new LlamaHyperparameters(128_256, 2048, 16, 8192, 32, 8, 8192, 1e-5f, 500_000f, TiedOutput: true), AllLinear, 16);

    /// <summary>meta-llama/Meta-Llama-3-8B: hidden 4096, 32 layers, 32 / 8 heads of 128, ff 14336; rank 16 on attention and MLP.</summary>
    public static LoraShape Llama3_8B { get; } = new("llama-3-8b",
        new LlamaHyperparameters(128_256, 4096, 32, 14_336, 32, 8, 8192, 1e-5f, 500_000f, TiedOutput: false), AllLinear, 16);

    /// <summary>The same structure, small: for CI and the GPU script's smoke run.</summary>
    public static LoraShape Smoke { get; } = new("smoke", new LlamaHyperparameters(2048, 256, 2, 512, 4, 2, 512), AllLinear, 8);

    public static IReadOnlyList<LoraShape> Known { get; } = [Llama32_1B, Llama3_8B, Smoke];

    public static LoraShape Find(string name) =>
        Known.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"shape '{name}' is unknown; known: {string.Join(", ", Known.Select(s => s.Name))}");

    /// <summary>Every LoRA target in llama.cpp naming ("blk.3.ffn_up") with its input and output features, layer by layer.</summary>
    public IEnumerable<(string Name, int In, int Out)> Targets()
    {
        var h = Model.EmbeddingLength;
        for (var layer = 0; layer < Model.BlockCount; layer++)
            foreach (var module in Modules)
                yield return module switch
                {
                    "attn_q" or "attn_output" => ($"blk.{layer}.{module}", h, h),
                    "attn_k" or "attn_v" => ($"blk.{layer}.{module}", h, Model.KvDimension),
                    "ffn_gate" or "ffn_up" => ($"blk.{layer}.{module}", h, Model.FeedForwardLength),
                    "ffn_down" => ($"blk.{layer}.{module}", Model.FeedForwardLength, h),
                    _ => throw new ArgumentException($"module '{module}' is not one of {string.Join(", ", AllLinear)}"),
                };
    }

    /// <summary>Elements of one adapter (both factors of every target).</summary>
    public long ElementsPerAdapter => Targets().Sum(t => (long)Rank * (t.In + t.Out));
}
