namespace Crayon.Tasks;

/// <summary>The prompts for every choice of one item, in choice order (score by index).</summary>
/// <param name="TruncatedChars">Characters cut from the left of the prompts to fit the budget (0 when it fit).</param>
public sealed record ScoringPrompts(IReadOnlyList<ChoicePrompt> Choices, int TruncatedChars);

/// <summary>
/// One adapter-training example: <see cref="Prompt"/> followed by the gold <see cref="Completion"/>.
/// A trainer may compute the loss on the completion only (mask the prompt) or on all of <see cref="Text"/>.
/// </summary>
public sealed record TrainingText(string Prompt, string Completion, int TruncatedChars)
{
    /// <summary>Prompt and completion as the model reads them.</summary>
    public string Text => Prompt + Completion;
}
