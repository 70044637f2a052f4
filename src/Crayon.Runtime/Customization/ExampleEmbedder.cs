using Crayon.Llama;

namespace Crayon.Customization;

/// <summary>
/// Embeds texts the one way the pool's centroids, a user's q_c and a routed query must share: the text cut from the
/// left to <see cref="QueryBudget"/> characters, one decode of the model without adapters, the chosen signal. A text
/// that still tokenizes past the context keeps its last tokens (the end of the question), never failing.
/// Not thread-safe (one context).
/// </summary>
public sealed class ExampleEmbedder : IDisposable
{
    /// <summary>The character budget of every embedded text: 256 tokens at 2 characters per token.</summary>
    public static PromptBudget QueryBudget { get; } = PromptBudget.FromTokens(256);

    private readonly LlamaEmbedder _embedder;

    /// <param name="threads">Decoding threads; 1 keeps the embeddings' bits independent of the machine's core count.</param>
    public ExampleEmbedder(LlamaModel model, EmbeddingSignal signal, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!Enum.IsDefined(signal)) throw new ArgumentOutOfRangeException(nameof(signal), signal, "not query or hidden");
        Signal = signal;
        _embedder = new LlamaEmbedder(model, new LlamaContextOptions { ContextLength = 512, Threads = threads });
    }

    public EmbeddingSignal Signal { get; }

    public LlamaModel Model => _embedder.Model;

    /// <summary>Length of one embedding.</summary>
    public int Dimension => _embedder.Dimension(Signal);

    /// <summary>The embedding of one text.</summary>
    /// <exception cref="ArgumentException">an empty text.</exception>
    public float[] Embed(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new ArgumentException("cannot embed an empty text", nameof(text));
        var cut = PromptBudget.CutLeft(text, QueryBudget.MaxChars, 0).Text;
        var tokens = Model.Tokenizer.Tokenize(cut);
        if (tokens.Length > _embedder.ContextLength) tokens = tokens[^_embedder.ContextLength..];
        var (query, hidden) = _embedder.EmbedTokens(tokens);
        return Signal == EmbeddingSignal.Query ? query : hidden;
    }

    /// <summary>The embeddings of <paramref name="texts"/>, in order; <paramref name="progress"/> gets the count done after each.</summary>
    public float[][] EmbedAll(IReadOnlyList<string> texts, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var result = new float[texts.Count][];
        for (var i = 0; i < texts.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            result[i] = Embed(texts[i]);
            progress?.Report(i + 1);
        }
        return result;
    }

    public void Dispose() => _embedder.Dispose();
}
