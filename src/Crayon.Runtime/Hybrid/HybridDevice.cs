using Crayon.Customization;
using Crayon.Llama;
using Crayon.Routing;

namespace Crayon.Hybrid;

/// <summary>
/// The device half of the hybrid: the customized model (a context with the customized adapter
/// applied), the embedder that reads queries, and q_c, the user's task as one vector in the routing
/// signal's space. Everything here runs locally; nothing leaves the device. Not thread-safe (one context).
/// <para>
/// Mean-pooled activations of a small model share a large common component, so raw cosines crowd near 1
/// (stories260K's first-layer queries: 0.99-1.0 for QA tasks and MMLU alike). With a <c>center</c> (the
/// mean embedding of a broad reference mixture) the similarity is cos(q - c, q_c - c): how the query
/// differs from text in general compared with how the user's task does.
/// </para>
/// </summary>
public sealed class HybridDevice
{
    /// <param name="center">Subtracted from query and q_c before the cosine; null: the raw cosine.</param>
    public HybridDevice(LlamaContext context, LlamaEmbedder embedder, float[] taskEmbedding, EmbeddingSignal signal, float[]? center = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(taskEmbedding);
        if (!ReferenceEquals(context.Model, embedder.Model))
            throw new ArgumentException("the embedder must read queries with the device's own model");
        if (taskEmbedding.Length != embedder.Dimension(signal))
            throw new ArgumentException($"q_c has {taskEmbedding.Length} values but the {signal.ToString().ToLowerInvariant()} signal of this model has {embedder.Dimension(signal)}");
        if (center is not null && center.Length != taskEmbedding.Length)
            throw new ArgumentException($"the center has {center.Length} values but q_c has {taskEmbedding.Length}", nameof(center));
        Context = context;
        Embedder = embedder;
        TaskEmbedding = taskEmbedding;
        Signal = signal;
        Center = center;
    }

    public LlamaContext Context { get; }
    public LlamaEmbedder Embedder { get; }

    /// <summary>q_c: the mean embedding of the user's examples.</summary>
    public float[] TaskEmbedding { get; }
    public EmbeddingSignal Signal { get; }

    /// <summary>The reference mean subtracted before cosines, or null.</summary>
    public float[]? Center { get; }

    /// <summary>The character budget the device's prompts start from (see <see cref="BudgetFor"/>).</summary>
    public PromptBudget Budget => PromptBudget.FromTokens(Context.ContextLength);

    /// <summary>The device model's answer: every choice scored, the most likely one predicted.</summary>
    public ChoiceScores Answer(IChoiceQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return BudgetFor(query).Fit(budget => ChoiceScores.Measure(Context, query.Choices(budget)));
    }

    /// <summary>
    /// The character budget <paramref name="query"/>'s prompts are cut to: <see cref="Budget"/>, halved while a choice's text
    /// tokenizes past the context (text of many tokens per character: byte-fallback, long boolq passages), as the device's own
    /// scoring does. The server is sent these same prompts, so both sides judge the same text and a server of the same context
    /// is never handed a prompt it cannot hold.
    /// </summary>
    public PromptBudget BudgetFor(IChoiceQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var budget = Budget;
        while (budget.MaxChars > 64 && query.Choices(budget).Any(c => Context.Model.Tokenizer.Tokenize(c.Text).Length > Context.ContextLength))
            budget = new PromptBudget(budget.MaxChars / 2);
        return budget;
    }

    /// <summary>The embedding of what the model reads for <paramref name="query"/> (shortened from the left when it would not fit).</summary>
    public float[] Embed(ITextQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return Embed(Embedder, Signal, Budget, query.QueryText);
    }

    /// <summary>The embedding of a free-text query.</summary>
    public float[] Embed(string text) => Embed(Embedder, Signal, Budget, budget => budget.MaxChars >= text.Length ? text : text[^budget.MaxChars..]);

    /// <summary>cos(query, q_c), centered when a center is set: low means outside the customized task.</summary>
    public double Similarity(float[] queryEmbedding) => RoutingSignals.Similarity(Centered(queryEmbedding), Centered(TaskEmbedding));

    /// <summary>An embedding with the center subtracted (itself without a center).</summary>
    public float[] Centered(float[] embedding)
    {
        if (Center is null) return embedding;
        var result = new float[embedding.Length];
        for (var i = 0; i < result.Length; i++) result[i] = embedding[i] - Center[i];
        return result;
    }

    private static float[] Embed(LlamaEmbedder embedder, EmbeddingSignal signal, PromptBudget budget, Func<PromptBudget, string> text) =>
        budget.Fit(b => embedder.Embed(text(b), signal));

    /// <summary>The mean embedding of a reference mixture: the center for <see cref="HybridDevice"/>.</summary>
    public static float[] CenterOf(LlamaEmbedder embedder, IReadOnlyList<ITextQuery> reference, EmbeddingSignal signal, PromptBudget budget) =>
        TaskEmbeddingOf(embedder, reference, signal, budget).TaskEmbedding;

    /// <summary>q_c of the user's examples, and each example's embedding (for calibration), read as the pool reads them.</summary>
    public static (float[] TaskEmbedding, IReadOnlyList<float[]> Examples) TaskEmbeddingOf(LlamaEmbedder embedder, IReadOnlyList<ITextQuery> examples,
        EmbeddingSignal signal, PromptBudget budget)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("q_c needs at least one of the user's examples", nameof(examples));
        var embeddings = examples.Select(e => Embed(embedder, signal, budget, e.QueryText)).ToArray();
        return (MeanEmbedding.Of(embeddings), embeddings);
    }
}
