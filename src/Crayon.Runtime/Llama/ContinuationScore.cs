namespace Crayon.Llama;

/// <summary>
/// How likely the model finds <see cref="Continuation"/> after a prompt: the natural-log probability
/// of each of its tokens given everything before it, and their sum (for ranking answer choices).
/// </summary>
public sealed record ContinuationScore(string Continuation, int[] Tokens, double[] TokenLogProbabilities)
{
    public double LogLikelihood => TokenLogProbabilities.Sum();

    /// <summary>Per-token mean (0 for a continuation that adds no token).</summary>
    public double MeanLogLikelihood => Tokens.Length == 0 ? 0 : LogLikelihood / Tokens.Length;

    /// <summary>The index of the most likely continuation by total log-likelihood.</summary>
    public static int Best(IReadOnlyList<ContinuationScore> scores)
    {
        if (scores.Count == 0) throw new ArgumentException("no continuation to choose from");
        var best = 0;
        for (var i = 1; i < scores.Count; i++)
            if (scores[i].LogLikelihood > scores[best].LogLikelihood) best = i;
        return best;
    }
}
