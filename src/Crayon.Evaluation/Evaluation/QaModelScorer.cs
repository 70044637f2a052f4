using Crayon.Llama;
using Crayon.Tasks;

namespace Crayon.Evaluation;

/// <summary>
/// Scores QA items with a model: each choice's log-likelihood after the item's figure-2 prompt
/// (<see cref="QaPrompt.ForScoring"/>), judged by <see cref="MultipleChoiceScorer"/>. A prompt that
/// tokenizes past the context is retried with half the character budget, so every item gets a score.
/// </summary>
public static class QaModelScorer
{
    /// <summary>The character budget to start from for a context of <paramref name="contextLength"/> tokens.</summary>
    public static PromptBudget BudgetFor(int contextLength) => PromptBudget.FromTokens(contextLength);

    /// <param name="budget">The character budget to start from; default <see cref="BudgetFor"/> the context's length.</param>
    public static ItemScore Score(LlamaContext context, QaItem item, PromptBudget? budget = null) => WithinContext(context, item, budget, Score);

    /// <summary>
    /// -log P(gold answer | prompt) alone, without scoring the other choices: the cheap objective for
    /// judging adapters on a user's examples.
    /// </summary>
    public static double GoldNll(LlamaContext context, QaItem item, PromptBudget? budget = null) => WithinContext(context, item, budget, (c, i, budget) =>
    {
        var gold = QaPrompt.ForScoring(i, budget).Choices[i.Answer];
        return -Math.Min(c.ScoreContinuation(gold.Prompt, gold.Continuation).LogLikelihood, 0.0);
    });

    /// <summary>Runs <paramref name="score"/> with the context's budget, halving it while the prompt tokenizes past the context.</summary>
    private static T WithinContext<T>(LlamaContext context, QaItem item, PromptBudget? start, Func<LlamaContext, QaItem, PromptBudget, T> score)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(item);
        return (start ?? BudgetFor(context.ContextLength)).Fit(budget => score(context, item, budget));
    }

    private static ItemScore Score(LlamaContext context, QaItem item, PromptBudget budget) =>
        MultipleChoiceScorer.Score(item.Answer, ChoiceScores.Measure(context, QaPrompt.ForScoring(item, budget).Choices));

    /// <summary>Scores every item, in order.</summary>
    public static IReadOnlyList<ItemScore> ScoreAll(LlamaContext context, IEnumerable<QaItem> items, CancellationToken cancellation = default, PromptBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(items);
        var scores = new List<ItemScore>();
        foreach (var item in items)
        {
            cancellation.ThrowIfCancellationRequested();
            scores.Add(Score(context, item, budget));
        }
        return scores;
    }

    /// <summary>Scores every item and summarises them (mean gold NLL, accuracy).</summary>
    public static TaskMetrics Evaluate(LlamaContext context, string task, IEnumerable<QaItem> items, CancellationToken cancellation = default, PromptBudget? budget = null) =>
        MetricAccumulator.Summarize(task, ScoreAll(context, items, cancellation, budget));
}
