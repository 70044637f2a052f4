using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Routing;
using Crayon.Tasks;

namespace Crayon.Hybrid;

/// <summary>
/// The device half of the hybrid: the customized model (a context with the customized adapter
/// applied), the embedder that reads queries as the pool does, and q_c, the user's task as one vector.
/// Everything here runs locally; nothing leaves the device. Not thread-safe (one context).
/// </summary>
public sealed class HybridDevice
{
    public HybridDevice(LlamaContext context, LlamaEmbedder embedder, float[] taskEmbedding, EmbeddingSignal signal)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(taskEmbedding);
        if (!ReferenceEquals(context.Model, embedder.Model))
            throw new ArgumentException("the embedder must read queries with the device's own model");
        if (taskEmbedding.Length != embedder.Dimension(signal))
            throw new ArgumentException($"q_c has {taskEmbedding.Length} values but the {signal.ToString().ToLowerInvariant()} signal of this model has {embedder.Dimension(signal)}");
        Context = context;
        Embedder = embedder;
        TaskEmbedding = taskEmbedding;
        Signal = signal;
    }

    public LlamaContext Context { get; }
    public LlamaEmbedder Embedder { get; }

    /// <summary>q_c: the mean embedding of the user's examples.</summary>
    public float[] TaskEmbedding { get; }
    public EmbeddingSignal Signal { get; }

    /// <summary>The character budget the device's prompts are cut to; the server gets the same prompts.</summary>
    public PromptBudget Budget => QaModelScorer.BudgetFor(Context.ContextLength);

    /// <summary>The device model's answer: every choice scored, the most likely one predicted.</summary>
    public ItemScore Answer(QaItem item) => QaModelScorer.Score(Context, item);

    /// <summary>The embedding of what the model reads for <paramref name="item"/> (shortened from the left when it would not fit).</summary>
    public float[] Embed(QaItem item) => Embed(budget => QaPrompt.QueryText(item, budget));

    /// <summary>The embedding of a free-text query.</summary>
    public float[] Embed(string text) => Embed(budget => budget.MaxChars >= text.Length ? text : text[^budget.MaxChars..]);

    /// <summary>cos(query, q_c): low means outside the customized task.</summary>
    public double Similarity(float[] queryEmbedding) => RoutingSignals.Similarity(queryEmbedding, TaskEmbedding);

    private float[] Embed(Func<PromptBudget, string> text)
    {
        var budget = Budget;
        while (true)
        {
            try { return Embedder.Embed(text(budget), Signal); }
            catch (PromptTooLongException) when (budget.MaxChars > 64) { budget = new PromptBudget(budget.MaxChars / 2); }
        }
    }

    /// <summary>q_c of the user's examples, and each example's embedding (for calibration), read as the pool reads them.</summary>
    public static (float[] TaskEmbedding, IReadOnlyList<float[]> Examples) TaskEmbeddingOf(LlamaEmbedder embedder, IReadOnlyList<QaItem> examples,
        EmbeddingSignal signal, PromptBudget budget)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("q_c needs at least one of the user's examples", nameof(examples));
        var embeddings = examples.Select(e => embedder.Embed(QaPrompt.QueryText(e, budget), signal)).ToArray();
        return (MeanEmbedding.Of(embeddings), embeddings);
    }
}
