using Crayon.Llama;
using Crayon.Tasks;

namespace Crayon.Customization;

/// <summary>
/// Embeds QA items the one way the pool's centroids and a user's q_c must share: the item's
/// <see cref="QaPrompt.QueryText"/> cut to <see cref="QueryBudget"/>, one decode of the model without
/// adapters, the chosen signal. A text that still tokenizes past the context keeps its last tokens
/// (the question and the "Answer:" cue), never failing. Not thread-safe (one context).
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

    /// <summary>The embedding of one item.</summary>
    public float[] Embed(QaItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var tokens = Model.Tokenizer.Tokenize(QaPrompt.QueryText(item, QueryBudget));
        if (tokens.Length > _embedder.ContextLength) tokens = tokens[^_embedder.ContextLength..];
        var (query, hidden) = _embedder.EmbedTokens(tokens);
        return Signal == EmbeddingSignal.Query ? query : hidden;
    }

    /// <summary>The embeddings of <paramref name="items"/>, in order; <paramref name="progress"/> gets the count done after each.</summary>
    public float[][] EmbedAll(IReadOnlyList<QaItem> items, IProgress<int>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var result = new float[items.Count][];
        for (var i = 0; i < items.Count; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            result[i] = Embed(items[i]);
            progress?.Report(i + 1);
        }
        return result;
    }

    public void Dispose() => _embedder.Dispose();
}
