namespace Crayon.Customization;

/// <summary>
/// What a user's examples come to before anything is blended: q_c, its similarity to each centroid, and alpha. This is
/// all a device sends a server to customize there (alpha only, never the examples).
/// </summary>
/// <param name="TaskEmbedding">q_c, the mean of the examples' raw embeddings; empty when alpha was given directly.</param>
/// <param name="Similarities">Cosine similarity of q_c to each centroid; empty when alpha was given directly.</param>
/// <param name="Alpha">One weight per base adapter; zero outside the top k.</param>
/// <param name="Embed">Embedding the examples and averaging them (zero when embeddings or alpha were given).</param>
/// <param name="AlphaTime">Similarities and the softmax.</param>
public sealed record CustomizationAlpha(float[] TaskEmbedding, double[] Similarities, double[] Alpha, TimeSpan Embed, TimeSpan AlphaTime)
{
    /// <summary>A customization from weights chosen by the caller (uniform, one-hot, searched, or a device's alpha).</summary>
    /// <exception cref="ArgumentException">a non-finite weight, or every weight zero.</exception>
    public static CustomizationAlpha Given(double[] alpha)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        for (var i = 0; i < alpha.Length; i++)
            if (!double.IsFinite(alpha[i])) throw new ArgumentException($"alpha[{i}] is {alpha[i]}; weights must be finite", nameof(alpha));
        if (alpha.All(a => a == 0)) throw new ArgumentException("alpha is all zeros: no adapter would be blended", nameof(alpha));
        return new CustomizationAlpha([], [], (double[])alpha.Clone(), TimeSpan.Zero, TimeSpan.Zero);
    }
}
