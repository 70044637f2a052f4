using Crayon.Customization;

namespace Crayon.Routing;

/// <summary>The per-query signals a routing policy reads.</summary>
public static class RoutingSignals
{
    /// <summary>cos(query embedding, q_c), the paper's out-of-scope signal: low means far from the customized task.</summary>
    public static double Similarity(ReadOnlySpan<float> queryEmbedding, ReadOnlySpan<float> taskEmbedding) =>
        CosineSimilarity.Between(queryEmbedding, taskEmbedding, "query embedding", "task embedding q_c");

    /// <summary>
    /// For calibration: each user example's similarity to the mean of the OTHER examples, which is what a
    /// new query from the same task would score against q_c. Scoring an example against q_c itself counts
    /// it in its own mean and overstates the similarity, most of all for small K.
    /// </summary>
    /// <exception cref="ArgumentException">fewer than 2 examples, or embeddings that are ragged or not finite.</exception>
    public static double[] LeaveOneOutSimilarities(IReadOnlyList<float[]> exampleEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(exampleEmbeddings);
        if (exampleEmbeddings.Count < 2) throw new ArgumentException($"leave-one-out needs at least 2 examples, got {exampleEmbeddings.Count}", nameof(exampleEmbeddings));
        var sum = MeanEmbedding.Of(exampleEmbeddings).Select(v => (double)v * exampleEmbeddings.Count).ToArray();
        var others = new float[sum.Length];
        var result = new double[exampleEmbeddings.Count];
        for (var i = 0; i < result.Length; i++)
        {
            for (var j = 0; j < others.Length; j++) others[j] = (float)((sum[j] - exampleEmbeddings[i][j]) / (exampleEmbeddings.Count - 1));
            result[i] = CosineSimilarity.Between(exampleEmbeddings[i], others, $"example embedding {i}", $"mean of the examples other than {i}");
        }
        return result;
    }

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
        var p = Softmax.Of(choiceScores);
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
