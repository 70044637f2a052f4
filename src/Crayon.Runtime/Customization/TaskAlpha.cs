namespace Crayon.Customization;

/// <summary>Turns the examples' embeddings into alpha under either <see cref="ExampleAggregation"/>.</summary>
public static class TaskAlpha
{
    /// <param name="toCentroidSpace">Moves an embedding into the centroids' space (e.g. subtracts the pool's center).</param>
    /// <returns>Similarities of q_c (the mean) to the centroids (NaN when q_c is the zero vector under MeanAlpha), and alpha.</returns>
    public static BlendCoefficients From(IReadOnlyList<float[]> examples, IReadOnlyList<float[]> centroids, Func<float[], float[]> toCentroidSpace,
        AlphaOptions options, ExampleAggregation aggregation)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(toCentroidSpace);
        ArgumentNullException.ThrowIfNull(options);
        if (aggregation is not (ExampleAggregation.MeanEmbedding or ExampleAggregation.MeanAlpha))
            throw new ArgumentOutOfRangeException(nameof(aggregation), aggregation, "unknown aggregation");
        var taskEmbedding = toCentroidSpace(MeanEmbedding.Of(examples));
        // Examples whose mean is the pool's center (e.g. the pool's own training mixture) give q_c no direction. Under
        // MeanAlpha alpha is still defined, each example having its own; only q_c's similarities are not.
        var centered = taskEmbedding.Any(v => v != 0);
        if (!centered && aggregation == ExampleAggregation.MeanEmbedding)
            throw new ArgumentException("the examples' mean embedding is the pool's center (the mean of its training examples), so it points to no adapter; " +
                                        "give examples of the one task to customize to");
        var similarities = centered ? BlendAlpha.FromEmbedding(taskEmbedding, centroids, options) : null;
        if (aggregation == ExampleAggregation.MeanEmbedding) return similarities!;
        var all = options with { TopK = null };
        var sum = new double[centroids.Count];
        foreach (var example in examples)
        {
            var alpha = BlendAlpha.FromEmbedding(toCentroidSpace(example), centroids, all).Alpha;
            for (var n = 0; n < sum.Length; n++) sum[n] += alpha[n];
        }
        var kept = Crayon.Blending.TopK.Largest(sum, options.TopK ?? sum.Length);
        var total = kept.Sum(n => sum[n]);
        var result = new double[sum.Length];
        foreach (var n in kept) result[n] = sum[n] / total;
        return new BlendCoefficients(similarities?.Similarities ?? Enumerable.Repeat(double.NaN, centroids.Count).ToArray(), result);
    }
}
