using Crayon.Adapters;
using Crayon.Llama;
using Crayon.Tests.Support;

namespace Crayon.Tests.Llama;

/// <summary>
/// The shared llama-2-tiny-random.gguf (a real llama.cpp-written GGUF: 1 layer, width 8, SPM vocab
/// of 32000) and random LoRA adapters that fit it.
/// </summary>
public static class TinyModel
{
    public const int Width = 8;

    public static string Path => TestData.Require("models/llama-2-tiny-random.gguf");

    public static LlamaModel LoadCpu() => LlamaTestRuntime.LoadCpu(Path);

    /// <summary>A LoRA on blk.0.attn_q and blk.0.ffn_down with seeded random factors of the given magnitude.</summary>
    public static LoraAdapter RandomAdapter(int seed, float magnitude = 1f, int rank = 2)
    {
        var random = new Random(seed);
        LoraMatrix Matrix(int rows, int cols) =>
            new(rows, cols, Enumerable.Range(0, rows * cols).Select(_ => (float)(random.NextDouble() * 2 - 1) * magnitude).ToArray());
        return new LoraAdapter("llama", alpha: rank, [
            new LoraPair("blk.0.attn_q", Matrix(rank, Width), Matrix(Width, rank)),
            new LoraPair("blk.0.ffn_down", Matrix(rank, 32), Matrix(Width, rank)),
        ]);
    }

    public static byte[] RandomAdapterBytes(int seed, float magnitude = 1f) => LoraAdapterGguf.ToBytes(RandomAdapter(seed, magnitude));
}
