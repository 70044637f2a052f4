namespace Crayon.Tasks;

/// <summary>
/// The one place that decides what the model reads: the paper's figure-2 prompt, with no
/// instruction and no few-shot examples (the adapter alone must carry the task).
/// <code>
///   question-answer tasks            prompt:        "{context}\n{question}\nAnswer:"   ("{context}\n" only when there is one)
///                                    continuation:  " {choice}"
///   winogrande (fill in the blank)   partial scoring, see <see cref="WinograndePrompt"/>
/// </code>
/// Every choice is scored as log P(continuation | prompt); an over-long prompt loses characters from
/// its left (context first, then question), never the "Answer:" cue or any continuation.
/// </summary>
public static class QaPrompt
{
    /// <summary>The cue that ends every question-answer prompt.</summary>
    public const string AnswerCue = "Answer:";

    /// <summary>Separates context, question and cue.</summary>
    public const string Separator = "\n";

    /// <summary>How an item is laid out: winogrande items are fill-in-the-blank sentences, everything else is question-answer.</summary>
    public static PromptStyle StyleOf(QaItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        return item.Task == "winogrande" ? PromptStyle.FillInTheBlank : PromptStyle.QuestionAnswer;
    }

    /// <summary>
    /// The text embedded for this item (the pool's q_x, the user's q_c, the router's query embedding):
    /// what the model reads before any answer. For question-answer items that is the scoring prompt;
    /// for winogrande the sentence with its "_" blank.
    /// </summary>
    public static string QueryText(QaItem item, PromptBudget? budget = null)
    {
        var max = (budget ?? PromptBudget.Unlimited).MaxChars;
        if (StyleOf(item) == PromptStyle.FillInTheBlank) return PromptBudget.CutLeft(item.Question, max, 0).Text;
        return PromptBudget.CutLeft(QuestionPrompt(item), max, AnswerCue.Length).Text;
    }

    /// <summary>
    /// One prompt/continuation pair per choice, in choice order. All question-answer choices share one
    /// prompt, cut to fit the longest continuation, so no choice is favoured by seeing more context.
    /// </summary>
    /// <exception cref="ArgumentException">a winogrande item without exactly one "_".</exception>
    public static ScoringPrompts ForScoring(QaItem item, PromptBudget? budget = null)
    {
        var max = (budget ?? PromptBudget.Unlimited).MaxChars;
        if (StyleOf(item) == PromptStyle.FillInTheBlank) return WinograndePrompt.ForScoring(item, max);
        var continuations = item.Choices.Select(Continuation).ToArray();
        var room = max - continuations.Max(c => c.Length);
        var (prompt, dropped) = PromptBudget.CutLeft(QuestionPrompt(item), room, AnswerCue.Length);
        return new ScoringPrompts(continuations.Select(c => new ChoicePrompt(prompt, c)).ToArray(), dropped);
    }

    /// <summary>The prompt followed by the gold continuation, for adapter training.</summary>
    public static TrainingText ForTraining(QaItem item, PromptBudget? budget = null)
    {
        var max = (budget ?? PromptBudget.Unlimited).MaxChars;
        if (StyleOf(item) == PromptStyle.FillInTheBlank) return WinograndePrompt.ForTraining(item, max);
        var completion = Continuation(item.AnswerText);
        var (prompt, dropped) = PromptBudget.CutLeft(QuestionPrompt(item), max - completion.Length, AnswerCue.Length);
        return new TrainingText(prompt, completion, dropped);
    }

    private static string QuestionPrompt(QaItem item) =>
        string.IsNullOrEmpty(item.Context)
            ? item.Question + Separator + AnswerCue
            : item.Context + Separator + item.Question + Separator + AnswerCue;

    private static string Continuation(string choice) => " " + choice;
}

/// <summary>How <see cref="QaPrompt"/> lays out an item.</summary>
public enum PromptStyle
{
    /// <summary>"{context}\n{question}\nAnswer:" then " {choice}".</summary>
    QuestionAnswer,

    /// <summary>A sentence with one "_" blank, scored by the partial method.</summary>
    FillInTheBlank,
}
