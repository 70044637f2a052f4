namespace Crayon.Models;

/// <summary>The weights of a llama block stack, by role.</summary>
public enum LlamaWeight
{
    TokenEmbedding,
    AttentionNorm,
    Query,
    Key,
    Value,
    AttentionOutput,
    FeedForwardNorm,
    Gate,
    Down,
    Up,
    OutputNorm,
    Output,
}

/// <summary>
/// One tensor of a llama GGUF: llama.cpp's name and its dimensions innermost first. For a matrix that is
/// [in_features, out_features], i.e. a PyTorch (out, in) weight's row-major bytes unchanged.
/// </summary>
public sealed record LlamaTensorSpec(LlamaWeight Weight, int Layer, string Name, long[] Dimensions)
{
    /// <summary>1-D norm weights, which llama.cpp's converters always keep in F32.</summary>
    public bool IsNorm => Weight is LlamaWeight.AttentionNorm or LlamaWeight.FeedForwardNorm or LlamaWeight.OutputNorm;

    public long ElementCount => Dimensions.Aggregate(1L, (a, d) => a * d);
}

/// <summary>The tensors llama.cpp's llama architecture loads (src/models/llama.cpp), in the order we write them.</summary>
public static class LlamaTensorLayout
{
    public static IReadOnlyList<LlamaTensorSpec> For(LlamaHyperparameters h)
    {
        h.Validated();
        long e = h.EmbeddingLength, f = h.FeedForwardLength, v = h.VocabSize, q = (long)h.HeadCount * h.HeadDimension, kv = h.KvDimension;
        var specs = new List<LlamaTensorSpec> { new(LlamaWeight.TokenEmbedding, -1, "token_embd.weight", [e, v]) };
        for (var l = 0; l < h.BlockCount; l++)
        {
            specs.Add(new(LlamaWeight.AttentionNorm, l, $"blk.{l}.attn_norm.weight", [e]));
            specs.Add(new(LlamaWeight.Query, l, $"blk.{l}.attn_q.weight", [e, q]));
            specs.Add(new(LlamaWeight.Key, l, $"blk.{l}.attn_k.weight", [e, kv]));
            specs.Add(new(LlamaWeight.Value, l, $"blk.{l}.attn_v.weight", [e, kv]));
            specs.Add(new(LlamaWeight.AttentionOutput, l, $"blk.{l}.attn_output.weight", [q, e]));
            specs.Add(new(LlamaWeight.FeedForwardNorm, l, $"blk.{l}.ffn_norm.weight", [e]));
            specs.Add(new(LlamaWeight.Gate, l, $"blk.{l}.ffn_gate.weight", [e, f]));
            specs.Add(new(LlamaWeight.Down, l, $"blk.{l}.ffn_down.weight", [f, e]));
            specs.Add(new(LlamaWeight.Up, l, $"blk.{l}.ffn_up.weight", [e, f]));
        }
        specs.Add(new(LlamaWeight.OutputNorm, -1, "output_norm.weight", [e]));
        if (!h.TiedOutput) specs.Add(new(LlamaWeight.Output, -1, "output.weight", [e, v]));
        return specs;
    }
}
