namespace Crayon.Customization;

/// <summary>
/// How a similarity is corrected for its centroid's hubness before the softmax. A hub is a centroid that many texts are
/// close to whatever their task (issue 13: two tasks the pool never saw put 72-85 % of alpha on one passage-like
/// cluster); measuring each centroid against the pool's other centroids, the one reference every pool carries, tells
/// how close that centroid is to everything, and the correction takes that share out.
/// </summary>
public enum HubCorrection
{
    /// <summary>alpha from the raw cosine similarities.</summary>
    None,

    /// <summary>
    /// s_n − μ_n, with μ_n the mean cosine of centroid n to the pool's other centroids: a hub's head start is removed (the
    /// centroid term of cross-domain similarity local scaling, CSLS, over the whole pool as the neighbourhood).
    /// </summary>
    CentroidMean,

    /// <summary>
    /// (s_n − μ_n) / σ_n, σ_n the spread of those cosines: a z-score per centroid, so a centroid that is equally close to
    /// every other one (a tight, generic cluster) needs a larger margin to win. Scores are in standard deviations, so the
    /// temperature that suits it is larger than for raw cosines.
    /// </summary>
    CentroidZScore,
}

/// <summary>Applies a <see cref="HubCorrection"/>: the one place the per-centroid statistics are computed.</summary>
public static class HubCorrectedSimilarity
{
    /// <summary>Each centroid's mean and (sample) standard deviation of its cosine to the other centroids; with one centroid, 0 and 1.</summary>
    public static (double[] Mean, double[] Spread) CentroidStatistics(IReadOnlyList<float[]> centroids)
    {
        ArgumentNullException.ThrowIfNull(centroids);
        var n = centroids.Count;
        var mean = new double[n];
        var spread = new double[n];
        if (n < 2)
        {
            Array.Fill(spread, 1.0);
            return (mean, spread);
        }
        var cos = new double[n, n];
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
                cos[i, j] = cos[j, i] = CosineSimilarity.Between(centroids[i], centroids[j], $"centroid {i}", $"centroid {j}");
        for (var i = 0; i < n; i++)
        {
            double sum = 0, squares = 0;
            for (var j = 0; j < n; j++)
                if (j != i) sum += cos[i, j];
            mean[i] = sum / (n - 1);
            for (var j = 0; j < n; j++)
                if (j != i) squares += (cos[i, j] - mean[i]) * (cos[i, j] - mean[i]);
            // Two centroids give one cosine and no spread; a floor keeps the z-score finite where all cosines coincide.
            spread[i] = n > 2 ? Math.Max(Math.Sqrt(squares / (n - 2)), 1e-6) : 1.0;
        }
        return (mean, spread);
    }

    /// <summary>The scores alpha's softmax takes, from the raw similarities to <paramref name="centroids"/>.</summary>
    public static double[] Scores(ReadOnlySpan<double> similarities, IReadOnlyList<float[]> centroids, HubCorrection correction) =>
        correction == HubCorrection.None ? similarities.ToArray() : Scores(similarities, CentroidStatistics(centroids), correction);

    /// <summary>As above with the statistics computed once (<see cref="CentroidStatistics"/>), e.g. for every example of a task.</summary>
    public static double[] Scores(ReadOnlySpan<double> similarities, (double[] Mean, double[] Spread) statistics, HubCorrection correction)
    {
        if (statistics.Mean.Length != similarities.Length)
            throw new ArgumentException($"{similarities.Length} similarities against statistics of {statistics.Mean.Length} centroids");
        var scores = similarities.ToArray();
        for (var n = 0; n < scores.Length; n++)
            scores[n] = correction switch
            {
                HubCorrection.None => scores[n],
                HubCorrection.CentroidMean => scores[n] - statistics.Mean[n],
                HubCorrection.CentroidZScore => (scores[n] - statistics.Mean[n]) / statistics.Spread[n],
                _ => throw new ArgumentOutOfRangeException(nameof(correction), correction, "unknown hub correction"),
            };
        return scores;
    }
}
