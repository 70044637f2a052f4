namespace Crayon.Llama;

/// <summary>
/// Embeds text with the model itself (no adapter): one decode gives both signals. Owns a context
/// created for it (embeddings on, the query-capture callback installed); not thread-safe.
/// </summary>
public sealed class LlamaEmbedder : IDisposable
{
    private readonly LlamaContext _context;

    public LlamaEmbedder(LlamaModel model, LlamaContextOptions? options = null)
    {
        _context = new LlamaContext(model, options ?? new LlamaContextOptions(), embeddings: true);
    }

    public LlamaModel Model => _context.Model;

    public int Dimension(EmbeddingSignal signal) => signal == EmbeddingSignal.Query ? Model.QueryWidth : Model.EmbeddingSize;

    public float[] Embed(string text, EmbeddingSignal signal)
    {
        var (query, hidden) = EmbedBoth(text);
        return signal == EmbeddingSignal.Query ? query : hidden;
    }

    public (float[] Query, float[] Hidden) EmbedBoth(string text) => _context.EmbedTokens(Model.Tokenizer.Tokenize(text));

    /// <summary>Tokens one embedding may cover (the context's length).</summary>
    public int ContextLength => _context.ContextLength;

    /// <summary>Embeds already tokenized text (at most <see cref="ContextLength"/> tokens).</summary>
    public (float[] Query, float[] Hidden) EmbedTokens(int[] tokens) => _context.EmbedTokens(tokens);

    public void Dispose() => _context.Dispose();
}
