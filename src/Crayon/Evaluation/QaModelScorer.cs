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

    public static ItemScore Score(LlamaContext context, QaItem item)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(item);
        var budget = BudgetFor(context.ContextLength);
        while (true)
        {
            try
            {
                return Score(context, item, budget);
            }
            catch (PromptTooLongException) when (budget.MaxChars > 64)
            {
                budget = new PromptBudget(budget.MaxChars / 2);
            }
        }
    }

    private static ItemScore Score(LlamaContext context, QaItem item, PromptBudget budget)
    {
        var prompts = QaPrompt.ForScoring(item, budget).Choices;
        var likelihoods = new ChoiceLogLikelihood[prompts.Count];
        // Choices that share a prompt (every question-answer item) are scored on one decoded prompt.
        foreach (var group in prompts.Select((p, i) => (p, i)).GroupBy(x => x.p.Prompt, StringComparer.Ordinal))
        {
            var members = group.ToArray();
            var scores = context.ScoreContinuations(group.Key, members.Select(m => m.p.Continuation).ToArray());
            for (var k = 0; k < members.Length; k++)
                likelihoods[members[k].i] = new ChoiceLogLikelihood(scores[k].LogLikelihood, scores[k].Tokens.Length, members[k].p.Continuation.Length);
        }
        return MultipleChoiceScorer.Score(item.Answer, likelihoods);
    }

    /// <summary>Scores every item, in order.</summary>
    public static IReadOnlyList<ItemScore> ScoreAll(LlamaContext context, IEnumerable<QaItem> items, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        var scores = new List<ItemScore>();
        foreach (var item in items)
        {
            cancellation.ThrowIfCancellationRequested();
            scores.Add(Score(context, item));
        }
        return scores;
    }

    /// <summary>Scores every item and summarises them (mean gold NLL, accuracy).</summary>
    public static TaskMetrics Evaluate(LlamaContext context, string task, IEnumerable<QaItem> items, CancellationToken cancellation = default) =>
        MetricAccumulator.Summarize(task, ScoreAll(context, items, cancellation));
}
