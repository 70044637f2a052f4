namespace Crayon.Llama;

public sealed partial class LlamaContext
{
    /// <summary>
    /// Every token of <paramref name="text"/> with its log-probability given the tokens before it (what an
    /// OpenAI "echo" with logprobs reports), each with its <paramref name="top"/> most likely alternatives.
    /// One decode of the text on a fresh cache.
    /// </summary>
    public ScoredTokens ScoreTokens(string text, int top = 0, bool addSpecialTokens = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(top);
        var tokens = Model.Tokenizer.Tokenize(text, addSpecialTokens);
        if (tokens.Length == 0) throw new ArgumentException("the text is empty and the model adds no BOS token; there is nothing to score");
        if (tokens.Length > ContextLength) throw new PromptTooLongException(tokens.Length, ContextLength, "text to score");
        var scores = new TokenLogProbability?[tokens.Length];
        using var _ = Enter();
        ClearMemory();
        // The output at position i predicts token i + 1.
        DecodeTokens(tokens, i => i < tokens.Length - 1, (start, length) =>
        {
            for (var i = start; i < start + length && i < tokens.Length - 1; i++)
                scores[i + 1] = LogProbabilityOf(LogitsAt(i - start), tokens[i + 1], top);
        });
        ClearMemory();
        return new ScoredTokens(tokens, scores);
    }

    /// <summary>log softmax(<paramref name="logits"/>) at <paramref name="token"/>, with the <paramref name="top"/> most likely tokens.</summary>
    internal static TokenLogProbability LogProbabilityOf(ReadOnlySpan<float> logits, int token, int top)
    {
        var max = double.NegativeInfinity;
        foreach (var v in logits) if (v > max) max = v;
        var sum = 0.0;
        foreach (var v in logits) sum += Math.Exp(v - max);
        var logNormalizer = max + Math.Log(sum);
        var alternatives = new TokenAlternative[Math.Min(top, logits.Length)];
        if (alternatives.Length > 0)
        {
            // A partial selection: keep the best `top` ids in descending order (ties: lower id first).
            var filled = 0;
            for (var id = 0; id < logits.Length; id++)
            {
                var v = logits[id];
                if (filled == alternatives.Length && v <= logits[alternatives[filled - 1].Token]) continue;
                var at = Math.Min(filled, alternatives.Length - 1);
                while (at > 0 && logits[alternatives[at - 1].Token] < v) { alternatives[at] = alternatives[at - 1]; at--; }
                alternatives[at] = new TokenAlternative(id, 0);
                if (filled < alternatives.Length) filled++;
            }
            for (var i = 0; i < alternatives.Length; i++)
                alternatives[i] = new TokenAlternative(alternatives[i].Token, logits[alternatives[i].Token] - logNormalizer);
        }
        return new TokenLogProbability(token, logits[token] - logNormalizer, alternatives);
    }
}
