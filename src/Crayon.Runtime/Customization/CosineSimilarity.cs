namespace Crayon.Customization;

/// <summary>
/// Cosine similarity, accumulated in double in a fixed order so that the same inputs give the same
/// bits on every machine (SIMD reductions would reorder the sum).
/// </summary>
public static class CosineSimilarity
{
    /// <summary>cos(a, b) in [-1, 1].</summary>
    /// <exception cref="ArgumentException">different dimensions, a non-finite element, or a zero vector (no direction).</exception>
    public static double Between(ReadOnlySpan<float> a, ReadOnlySpan<float> b, string aName = "first vector", string bName = "second vector")
    {
        EmbeddingChecks.RequireNonEmpty(a, aName);
        EmbeddingChecks.RequireDimension(b, a.Length, bName, $"that of the {aName}");
        EmbeddingChecks.RequireFinite(a, aName);
        EmbeddingChecks.RequireFinite(b, bName);
        return Unchecked(a, b, aName, bName);
    }

    /// <summary>The similarity of <paramref name="query"/> to each centroid, in centroid order.</summary>
    public static double[] ToEach(ReadOnlySpan<float> query, IReadOnlyList<float[]> centroids)
    {
        EmbeddingChecks.RequireNonEmpty(query, "query embedding");
        EmbeddingChecks.RequireFinite(query, "query embedding");
        var dimension = EmbeddingChecks.RequireUniform(centroids, "centroid");
        EmbeddingChecks.RequireDimension(query, dimension, "query embedding", "the centroids'");
        var result = new double[centroids.Count];
        for (var i = 0; i < result.Length; i++) result[i] = Unchecked(query, centroids[i], "query embedding", $"centroid {i}");
        return result;
    }

    private static double Unchecked(ReadOnlySpan<float> a, ReadOnlySpan<float> b, string aName, string bName)
    {
        double dot = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            double x = a[i], y = b[i];
            dot += x * y;
            aa += x * x;
            bb += y * y;
        }
        if (aa == 0) throw new ArgumentException($"{aName} is the zero vector; its cosine similarity is undefined");
        if (bb == 0) throw new ArgumentException($"{bName} is the zero vector; its cosine similarity is undefined");
        return Math.Clamp(dot / (Math.Sqrt(aa) * Math.Sqrt(bb)), -1.0, 1.0);
    }
}
