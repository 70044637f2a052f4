using Crayon.Formats.Gguf;

namespace Crayon.Models;

/// <summary>
/// The shape of a llama-architecture model and the GGUF keys llama.cpp reads it from
/// (llama.context_length, embedding_length, block_count, …). Head dimension = embedding / heads;
/// RoPE rotates the whole head (rope.dimension_count = head dimension).
/// </summary>
public sealed record LlamaHyperparameters(
    int VocabSize,
    int EmbeddingLength,
    int BlockCount,
    int FeedForwardLength,
    int HeadCount,
    int HeadCountKv,
    int ContextLength,
    float RmsNormEpsilon = 1e-5f,
    float RopeFreqBase = 10_000f,
    bool TiedOutput = true)
{
    public const string Architecture = "llama";

    /// <summary>HuggingFaceTB/SmolLM-135M: 30 layers, hidden 576, 9 query and 3 KV heads of 64, tied embeddings.</summary>
    public static LlamaHyperparameters SmolLM135M { get; } = new(49_152, 576, 30, 1_536, 9, 3, 2_048);

    public int HeadDimension => EmbeddingLength / HeadCount;

    /// <summary>Rows of wk and wv: KV heads × head dimension.</summary>
    public int KvDimension => HeadDimension * HeadCountKv;

    /// <summary>Throws ArgumentException naming the first inconsistent field.</summary>
    public LlamaHyperparameters Validated()
    {
        foreach (var (name, value) in new[]
                 {
                     (nameof(VocabSize), VocabSize), (nameof(EmbeddingLength), EmbeddingLength), (nameof(BlockCount), BlockCount),
                     (nameof(FeedForwardLength), FeedForwardLength), (nameof(HeadCount), HeadCount), (nameof(HeadCountKv), HeadCountKv),
                     (nameof(ContextLength), ContextLength),
                 })
            if (value <= 0) throw new ArgumentException($"{name} must be positive, got {value}");
        if (EmbeddingLength % HeadCount != 0)
            throw new ArgumentException($"{nameof(EmbeddingLength)} {EmbeddingLength} is not divisible by {nameof(HeadCount)} {HeadCount}");
        if (HeadCount % HeadCountKv != 0)
            throw new ArgumentException($"{nameof(HeadCount)} {HeadCount} is not a multiple of {nameof(HeadCountKv)} {HeadCountKv}");
        if (HeadDimension % 2 != 0)
            throw new ArgumentException($"head dimension {HeadDimension} is odd; RoPE rotates pairs");
        if (!(RmsNormEpsilon > 0) || !float.IsFinite(RmsNormEpsilon)) throw new ArgumentException($"{nameof(RmsNormEpsilon)} must be positive, got {RmsNormEpsilon}");
        if (!(RopeFreqBase > 0) || !float.IsFinite(RopeFreqBase)) throw new ArgumentException($"{nameof(RopeFreqBase)} must be positive, got {RopeFreqBase}");
        return this;
    }

    /// <summary>Writes the llama.* keys (and general.architecture) the way convert_hf_to_gguf.py does.</summary>
    public void WriteTo(GgufMetadata m)
    {
        Validated();
        string K(string suffix) => GgufKeys.Arch(Architecture, suffix);
        m.Set(GgufKeys.Architecture, GgufValue.Str(Architecture));
        m.Set(K("vocab_size"), GgufValue.U32((uint)VocabSize));
        m.Set(K("context_length"), GgufValue.U32((uint)ContextLength));
        m.Set(K("embedding_length"), GgufValue.U32((uint)EmbeddingLength));
        m.Set(K("block_count"), GgufValue.U32((uint)BlockCount));
        m.Set(K("feed_forward_length"), GgufValue.U32((uint)FeedForwardLength));
        m.Set(K("rope.dimension_count"), GgufValue.U32((uint)HeadDimension));
        m.Set(K("attention.head_count"), GgufValue.U32((uint)HeadCount));
        m.Set(K("attention.head_count_kv"), GgufValue.U32((uint)HeadCountKv));
        m.Set(K("attention.layer_norm_rms_epsilon"), GgufValue.F32(RmsNormEpsilon));
        m.Set(K("rope.freq_base"), GgufValue.F32(RopeFreqBase));
    }

    /// <summary>Reads the shape back from a llama GGUF's metadata (TiedOutput cannot be seen there; it is left true).</summary>
    public static LlamaHyperparameters ReadFrom(GgufMetadata m)
    {
        var arch = m.GetString(GgufKeys.Architecture);
        if (arch != Architecture)
            throw new GgufFormatException(m.SourceName, $"metadata key '{GgufKeys.Architecture}'", $"is '{arch}', expected '{Architecture}'");
        int U(string suffix) => (int)m.GetInteger(GgufKeys.Arch(Architecture, suffix), 1, int.MaxValue);
        var vocab = m.ContainsKey(GgufKeys.Arch(Architecture, "vocab_size")) ? U("vocab_size") : m[GgufKeys.Tokens].Count;
        var heads = U("attention.head_count");
        return new LlamaHyperparameters(vocab, U("embedding_length"), U("block_count"), U("feed_forward_length"), heads,
            m.ContainsKey(GgufKeys.Arch(Architecture, "attention.head_count_kv")) ? U("attention.head_count_kv") : heads,
            U("context_length"),
            m.GetFloat32(GgufKeys.Arch(Architecture, "attention.layer_norm_rms_epsilon")),
            m.ContainsKey(GgufKeys.Arch(Architecture, "rope.freq_base")) ? m.GetFloat32(GgufKeys.Arch(Architecture, "rope.freq_base")) : 10_000f);
    }
}
