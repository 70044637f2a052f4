namespace Crayon.Llama;

/// <summary>Which activation represents a text as a vector.</summary>
public enum EmbeddingSignal
{
    /// <summary>
    /// The first self-attention layer's query vectors (llama.cpp's "Qcur-0", before RoPE) averaged
    /// over the tokens: the paper's signal for matching a user's examples to adapters.
    /// </summary>
    Query,

    /// <summary>The last hidden state (after the final norm) averaged over the tokens.</summary>
    Hidden,
}
