using Crayon.Customization;

namespace Crayon.Routing;

/// <summary>The per-query signals a routing policy reads.</summary>
public static class RoutingSignals
{
    /// <summary>cos(query embedding, q_c), the paper's out-of-scope signal: low means far from the customized task.</summary>
    public static double Similarity(ReadOnlySpan<float> queryEmbedding, ReadOnlySpan<float> taskEmbedding) =>
        CosineSimilarity.Between(queryEmbedding, taskEmbedding, "query embedding", "task embedding q_c");

    /// <summary>
    /// p(best) - p(second best), with the choices' scores (log-likelihoods) turned into a distribution
    /// over the choices by a softmax. In [0, 1]: 0 when the model cannot separate its top two answers.
    /// </summary>
    /// <exception cref="ArgumentException">fewer than 2 scores or a non-finite one.</exception>
    public static double ChoiceMargin(ReadOnlySpan<double> choiceScores)
    {
        if (choiceScores.Length < 2) throw new ArgumentException($"a margin needs at least 2 choice scores, got {choiceScores.Length}", nameof(choiceScores));
        foreach (var s in choiceScores)
            if (!double.IsFinite(s)) throw new ArgumentException($"choice score {s} is not finite", nameof(choiceScores));
        var p = SimplexSearch.Softmax(choiceScores);
        double first = double.NegativeInfinity, second = double.NegativeInfinity;
        foreach (var v in p)
        {
            if (v > first) (first, second) = (v, first);
            else if (v > second) second = v;
        }
        return first - second;
    }

    /// <summary>Mean log-probability per generated token, the confidence of a free-form answer (≤ 0; closer to 0 is surer).</summary>
    public static double MeanTokenLogProb(double sumLogProb, int tokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tokens);
        if (!double.IsFinite(sumLogProb)) throw new ArgumentException($"log-probability sum {sumLogProb} is not finite", nameof(sumLogProb));
        return sumLogProb / tokens;
    }
}
