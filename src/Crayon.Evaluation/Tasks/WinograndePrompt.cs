namespace Crayon.Tasks;

/// <summary>
/// WinoGrande's fill-in-the-blank layout, scored by the partial method (Trinh &amp; Le 2018; the
/// GPT-3 paper and lm-evaluation-harness do the same): the prompt is the sentence up to the blank
/// with the option filled in, the continuation is the rest of the sentence, so every option is judged
/// by how well the same words follow it. Prompt + continuation is exactly the filled sentence.
/// Scoring the whole filled sentence instead would compare option spellings more than meaning.
/// When nothing but punctuation follows the blank (about 2.6% of the data, "... property of _ ."),
/// the rest carries no signal, so the option itself becomes part of the continuation:
/// prompt = the words before the blank, continuation = the option and the rest.
/// </summary>
internal static class WinograndePrompt
{
    public const char Blank = '_';

    public static ScoringPrompts ForScoring(QaItem item, int maxChars)
    {
        var pairs = item.Choices.Select(option => Split(item, option)).ToArray();
        var longest = pairs.Max(p => p.Continuation.Length);
        var dropped = 0;
        var fitted = new ChoicePrompt[pairs.Length];
        for (var i = 0; i < pairs.Length; i++)
        {
            var (prompt, cut) = PromptBudget.CutLeft(pairs[i].Prompt, maxChars - longest, pairs[i].ProtectedSuffix);
            fitted[i] = new ChoicePrompt(prompt, pairs[i].Continuation);
            dropped = Math.Max(dropped, cut);
        }
        return new ScoringPrompts(fitted, dropped);
    }

    public static TrainingText ForTraining(QaItem item, int maxChars)
    {
        var pair = Split(item, item.AnswerText);
        var (prompt, dropped) = PromptBudget.CutLeft(pair.Prompt, maxChars - pair.Continuation.Length, pair.ProtectedSuffix);
        return new TrainingText(prompt, pair.Continuation, dropped);
    }

    private static (string Prompt, string Continuation, int ProtectedSuffix) Split(QaItem item, string option)
    {
        var sentence = item.Question;
        var blank = sentence.IndexOf(Blank);
        if (blank < 0 || sentence.IndexOf(Blank, blank + 1) >= 0)
            throw new ArgumentException($"winogrande item '{item.Id}' must contain exactly one '{Blank}' blank: \"{sentence}\"", nameof(item));
        var before = sentence[..blank];
        var rest = sentence[(blank + 1)..];
        if (rest.Any(char.IsLetterOrDigit)) return (before + option, rest, option.Length);
        var prompt = before.TrimEnd();
        return (prompt, before[prompt.Length..] + option + rest, 0);
    }
}
