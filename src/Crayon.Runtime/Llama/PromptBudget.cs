namespace Crayon.Llama;

/// <summary>
/// How many characters prompt + continuation may take. Tokenization lives in the llama host, so the
/// budget is in characters: the host picks it from the model's context and a chars-per-token ratio,
/// and should check the tokenized length and retry with a smaller budget if it still overflows.
/// stories260K has a 512-token context and a 512-piece vocabulary (about 2-3 characters per token
/// on English text), so <see cref="FromTokens"/>(512) gives about 1,000 characters.
/// </summary>
public readonly record struct PromptBudget
{
    /// <summary>A budget of <paramref name="maxChars"/> characters for prompt and continuation together.</summary>
    public PromptBudget(int maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxChars);
        MaxChars = maxChars;
    }

    /// <summary>Characters allowed for prompt and continuation together.</summary>
    public int MaxChars { get; }

    /// <summary>No limit.</summary>
    public static PromptBudget Unlimited { get; } = new(int.MaxValue);

    /// <summary>
    /// A budget for a model with <paramref name="contextTokens"/> tokens of context, assuming at least
    /// <paramref name="charsPerToken"/> characters per token and keeping <paramref name="reservedTokens"/>
    /// (BOS and the like) free. Byte-fallback tokens (non-ASCII text) can fall below the ratio, which is
    /// why the host must still check.
    /// </summary>
    public static PromptBudget FromTokens(int contextTokens, double charsPerToken = 2.0, int reservedTokens = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextTokens);
        ArgumentOutOfRangeException.ThrowIfNegative(reservedTokens);
        if (!double.IsFinite(charsPerToken) || charsPerToken <= 0)
            throw new ArgumentOutOfRangeException(nameof(charsPerToken), charsPerToken, "must be positive and finite");
        if (reservedTokens >= contextTokens)
            throw new ArgumentOutOfRangeException(nameof(reservedTokens), reservedTokens, $"leaves no room in a {contextTokens}-token context");
        return new PromptBudget((int)Math.Min(int.MaxValue, Math.Floor((contextTokens - reservedTokens) * charsPerToken)));
    }

    /// <summary>
    /// Runs <paramref name="attempt"/> with this budget, halving it while the text still tokenizes past the context
    /// (byte-fallback text takes more tokens per character than the ratio assumes), down to 64 characters; below that the
    /// <see cref="PromptTooLongException"/> reaches the caller.
    /// </summary>
    public T Fit<T>(Func<PromptBudget, T> attempt)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var budget = this;
        while (true)
        {
            try { return attempt(budget); }
            catch (PromptTooLongException) when (budget.MaxChars > 64) { budget = new PromptBudget(budget.MaxChars / 2); }
        }
    }

    /// <summary>
    /// Cuts <paramref name="prompt"/> from the left so that at most <paramref name="keepChars"/> remain,
    /// moving the cut forward to a word boundary. The last <paramref name="protectedSuffix"/> characters
    /// (the "Answer:" cue, a filled-in option) are always kept, even past the budget.
    /// </summary>
    public static (string Text, int Dropped) CutLeft(string prompt, int keepChars, int protectedSuffix)
    {
        keepChars = Math.Max(Math.Max(keepChars, protectedSuffix), 0);
        if (prompt.Length <= keepChars) return (prompt, 0);
        var cut = prompt.Length - keepChars;
        var limit = prompt.Length - protectedSuffix;
        var space = prompt.AsSpan(cut, limit - cut).IndexOfAny(' ', '\n', '\t');
        if (space >= 0) cut += space + 1;
        else if (cut < limit && char.IsLowSurrogate(prompt[cut])) cut++;
        while (cut < limit && char.IsWhiteSpace(prompt[cut])) cut++;
        return (prompt[cut..], cut);
    }
}
