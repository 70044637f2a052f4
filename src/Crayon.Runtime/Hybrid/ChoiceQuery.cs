using Crayon.Llama;

namespace Crayon.Hybrid;

/// <summary>
/// A query as the hybrid reads it: a key for reports, the text embedded to route it, and (for a multiple-choice query)
/// one prompt/continuation per choice. Both are cut to a character budget the device picks, so the server is sent the
/// very text the device scored.
/// </summary>
public interface ITextQuery
{
    /// <summary>Names the query in decisions and reports.</summary>
    string Key { get; }

    /// <summary>The text embedded for routing, cut from the left to <paramref name="budget"/>.</summary>
    string QueryText(PromptBudget budget);
}

/// <summary>A multiple-choice query: <see cref="ITextQuery"/> plus what is scored for each choice.</summary>
public interface IChoiceQuery : ITextQuery
{
    /// <summary>One prompt/continuation per choice, in choice order, fitting <paramref name="budget"/>.</summary>
    IReadOnlyList<ChoicePrompt> Choices(PromptBudget budget);

    /// <summary>The text of choice <paramref name="index"/> as the user reads it.</summary>
    string ChoiceText(int index);
}

/// <summary>A plain text (a user's example line, a free-text query).</summary>
public sealed record TextQuery : ITextQuery
{
    public TextQuery(string text, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0) throw new ArgumentException("the query text is empty", nameof(text));
        Text = text;
        Key = key ?? text;
    }

    public string Text { get; }
    public string Key { get; }

    public string QueryText(PromptBudget budget) => PromptBudget.CutLeft(Text, budget.MaxChars, 0).Text;
}

/// <summary>
/// A question with answer choices, as text: the prompt is the question (cut from the left to leave room for the longest
/// choice), each continuation is " " + the choice.
/// </summary>
public sealed record ChoiceQuestion : IChoiceQuery
{
    public ChoiceQuestion(string question, IReadOnlyList<string> choices, string? key = null)
    {
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(choices);
        if (question.Length == 0) throw new ArgumentException("the question is empty", nameof(question));
        if (choices.Count < 2) throw new ArgumentException($"a multiple-choice question needs at least 2 choices, got {choices.Count}", nameof(choices));
        for (var i = 0; i < choices.Count; i++)
            if (string.IsNullOrEmpty(choices[i])) throw new ArgumentException($"choice {i} is empty", nameof(choices));
        Question = question;
        AnswerChoices = choices.ToArray();
        Key = key ?? question;
    }

    public string Question { get; }
    public IReadOnlyList<string> AnswerChoices { get; }
    public string Key { get; }

    public string QueryText(PromptBudget budget) => PromptBudget.CutLeft(Question, budget.MaxChars, 0).Text;

    public IReadOnlyList<ChoicePrompt> Choices(PromptBudget budget)
    {
        var continuations = AnswerChoices.Select(c => " " + c).ToArray();
        var prompt = PromptBudget.CutLeft(Question, budget.MaxChars - continuations.Max(c => c.Length), 0).Text;
        return continuations.Select(c => new ChoicePrompt(prompt, c)).ToArray();
    }

    public string ChoiceText(int index) => AnswerChoices[index];
}
