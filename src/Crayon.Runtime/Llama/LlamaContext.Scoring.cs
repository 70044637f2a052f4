namespace Crayon.Llama;

public sealed partial class LlamaContext
{
    /// <summary>The log-likelihood of <paramref name="continuation"/> after <paramref name="prompt"/>.</summary>
    public ContinuationScore ScoreContinuation(string prompt, string continuation) => ScoreContinuations(prompt, [continuation])[0];

    /// <summary>
    /// Log-likelihoods of several continuations of one prompt (answer choices). The prompt is decoded
    /// once; each continuation then decodes only its own tokens (plus the prompt's last one, whose
    /// logits predict the first continuation token) on top of the cached prompt. Tokens are those of
    /// prompt+continuation tokenized together, so a continuation that merges with the prompt's last
    /// token is scored from where the two tokenizations part.
    /// </summary>
    public IReadOnlyList<ContinuationScore> ScoreContinuations(string prompt, IReadOnlyList<string> continuations)
    {
        ArgumentNullException.ThrowIfNull(continuations);
        var tokenizer = Model.Tokenizer;
        var promptTokens = tokenizer.Tokenize(prompt);
        using var _ = Enter();
        ClearMemory();
        var cached = Array.Empty<int>();
        var scores = new List<ContinuationScore>(continuations.Count);
        foreach (var continuation in continuations)
        {
            var whole = tokenizer.Tokenize(prompt + continuation);
            var split = CommonPrefix(whole, promptTokens);
            if (split == whole.Length) { scores.Add(new ContinuationScore(continuation, [], [])); continue; }
            if (split == 0)
                throw new ArgumentException("the prompt is empty and the model adds no BOS token, so the first continuation token has no context to be scored in");
            if (whole.Length > ContextLength) throw new PromptTooLongException(whole.Length, ContextLength, "prompt plus continuation");

            // Keep what the cache shares with this sequence, but re-decode at least the token before the split.
            var reuse = Math.Min(CommonPrefix(whole, cached), split - 1);
            TruncateMemory(reuse);
            var pending = whole.AsSpan(reuse).ToArray();
            var logProbabilities = new double[whole.Length - split];
            DecodeTokens(pending, i => reuse + i >= split - 1 && reuse + i < whole.Length - 1, (start, length) =>
            {
                for (var i = start; i < start + length; i++)
                {
                    var position = reuse + i;
                    if (position < split - 1 || position >= whole.Length - 1) continue;
                    logProbabilities[position - (split - 1)] = LogSoftmaxAt(LogitsAt(i - start), whole[position + 1]);
                }
            });
            cached = whole;
            scores.Add(new ContinuationScore(continuation, whole[split..], logProbabilities));
        }
        return scores;
    }

    private static int CommonPrefix(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.CommonPrefixLength(b);

    private static double LogSoftmaxAt(ReadOnlySpan<float> logits, int token)
    {
        var max = double.NegativeInfinity;
        foreach (var v in logits) if (v > max) max = v;
        var sum = 0.0;
        foreach (var v in logits) sum += Math.Exp(v - max);
        return logits[token] - max - Math.Log(sum);
    }
}
