namespace Crayon.Customization;

/// <summary>How the user's examples, each embedded, become one alpha.</summary>
public enum ExampleAggregation
{
    /// <summary>
    /// The paper's: alpha = softmax(sim(q_c, c_n) / tau) with q_c the mean of the examples' embeddings.
    /// </summary>
    MeanEmbedding,

    /// <summary>
    /// alpha = the mean over the examples of each example's own softmax(sim(q_x, c_n) / tau) (top-k applied to the mean):
    /// the share of the user's examples that fall near each adapter's indicator, as the paper's figure 3 plots per-example
    /// coefficients. A task spread over several clusters weights each by how many of its examples lie there, where the
    /// mean embedding may land near a cluster of other tasks.
    /// </summary>
    MeanAlpha,
}

/// <summary>Turns the examples' embeddings into alpha under either <see cref="ExampleAggregation"/>.</summary>
public static class TaskAlpha
{
    /// <param name="toCentroidSpace">Moves an embedding into the centroids' space (e.g. subtracts the pool's center).</param>
    /// <returns>Similarities of q_c (the mean) to the centroids, and alpha.</returns>
    public static BlendCoefficients From(IReadOnlyList<float[]> examples, IReadOnlyList<float[]> centroids, Func<float[], float[]> toCentroidSpace,
        AlphaOptions options, ExampleAggregation aggregation)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(toCentroidSpace);
        ArgumentNullException.ThrowIfNull(options);
        var mean = BlendAlpha.FromEmbedding(toCentroidSpace(MeanEmbedding.Of(examples)), centroids, options);
        if (aggregation == ExampleAggregation.MeanEmbedding) return mean;
        if (aggregation != ExampleAggregation.MeanAlpha) throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "unknown aggregation");
        var all = options with { TopK = null };
        var sum = new double[centroids.Count];
        foreach (var example in examples)
        {
            var alpha = BlendAlpha.FromEmbedding(toCentroidSpace(example), centroids, all).Alpha;
            for (var n = 0; n < sum.Length; n++) sum[n] += alpha[n];
        }
        var kept = BlendAlpha.TopIndices(sum, options.TopK ?? sum.Length);
        var total = kept.Sum(n => sum[n]);
        var result = new double[sum.Length];
        foreach (var n in kept) result[n] = sum[n] / total;
        return new BlendCoefficients(mean.Similarities, result);
    }
}
