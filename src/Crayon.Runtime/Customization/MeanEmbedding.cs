namespace Crayon.Customization;

/// <summary>q_c: the mean of the user's example embeddings, the one vector that stands for their task.</summary>
public static class MeanEmbedding
{
    /// <summary>The element-wise mean (accumulated in double, in list order).</summary>
    /// <exception cref="ArgumentException">no embeddings, differing dimensions, or a non-finite element.</exception>
    public static float[] Of(IReadOnlyList<float[]> embeddings)
    {
        var dimension = EmbeddingChecks.RequireUniform(embeddings, "example embedding");
        var sum = new double[dimension];
        foreach (var e in embeddings)
            for (var i = 0; i < dimension; i++) sum[i] += e[i];
        var mean = new float[dimension];
        for (var i = 0; i < dimension; i++) mean[i] = (float)(sum[i] / embeddings.Count);
        return mean;
    }
}
