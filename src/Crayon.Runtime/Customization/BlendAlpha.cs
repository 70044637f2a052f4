namespace Crayon.Customization;

/// <summary>The similarities of q_c to the centroids and the alpha made from them.</summary>
public sealed record BlendCoefficients(double[] Similarities, double[] Alpha);

/// <summary>
/// Instant customization's arithmetic: similarity to every centroid, then a temperature softmax,
/// optionally restricted to the top k. Weights outside the top k are exactly zero; the kept ones sum to 1.
/// </summary>
public static class BlendAlpha
{
    /// <summary>alpha from q_c and the pool's centroids (the similarities corrected for hubs first when <see cref="AlphaOptions.Hub"/> says so).</summary>
    public static BlendCoefficients FromEmbedding(ReadOnlySpan<float> query, IReadOnlyList<float[]> centroids, AlphaOptions? options = null)
    {
        var similarities = CosineSimilarity.ToEach(query, centroids);
        var scores = HubCorrectedSimilarity.Scores(similarities, centroids, (options ?? AlphaOptions.Default).Hub);
        return new BlendCoefficients(similarities, FromSimilarities(scores, options));
    }

    /// <summary>softmax(s / tau) over all entries, or over the top k (ties go to the lower index).</summary>
    /// <exception cref="ArgumentException">no similarities or a non-finite one.</exception>
    /// <exception cref="ArgumentOutOfRangeException">tau not positive and finite, or k outside 1..N.</exception>
    public static double[] FromSimilarities(ReadOnlySpan<double> similarities, AlphaOptions? options = null)
    {
        options ??= AlphaOptions.Default;
        if (similarities.Length == 0) throw new ArgumentException("no similarities given: the pool has no adapters", nameof(similarities));
        for (var i = 0; i < similarities.Length; i++)
            if (!double.IsFinite(similarities[i])) throw new ArgumentException($"similarity {i} is {similarities[i]}; it must be finite", nameof(similarities));
        options.Validate(similarities.Length);

        var kept = Crayon.Blending.TopK.Largest(similarities, options.TopK ?? similarities.Length);
        var max = similarities[kept[0]];
        var alpha = new double[similarities.Length];
        var sum = 0.0;
        foreach (var i in kept) sum += alpha[i] = Math.Exp((similarities[i] - max) / options.Temperature);
        foreach (var i in kept) alpha[i] /= sum; // sum >= 1: the maximum contributes exp(0)
        return alpha;
    }

    /// <summary>Equal weights 1/n, the uniform-blend baseline.</summary>
    public static double[] Uniform(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return Enumerable.Repeat(1.0 / count, count).ToArray();
    }
}
