namespace Crayon.Blending;

/// <summary>Checks blend weights and picks the adapters a blend uses.</summary>
public static class BlendSelection
{
    /// <summary>Throws unless there is one finite weight per adapter.</summary>
    public static void CheckWeights(ReadOnlySpan<float> weights, int adapterCount)
    {
        if (weights.Length != adapterCount)
            throw new ArgumentException(
                $"weights has {weights.Length} entries but the pool has {adapterCount} adapters; give one weight per adapter", nameof(weights));
        for (var i = 0; i < weights.Length; i++)
            if (!float.IsFinite(weights[i]))
                throw new ArgumentException($"weights[{i}] is {weights[i]}; weights must be finite numbers", nameof(weights));
    }

    /// <summary>
    /// The adapters a blend of this recipe uses: all of them, in order, for linear and the merges; for concat the
    /// <paramref name="topK"/> (default: all) with the largest |w|, largest first, ties by index.
    /// </summary>
    public static int[] Choose(ReadOnlySpan<float> weights, BlendRecipe mode, int? topK)
    {
        ArgumentNullException.ThrowIfNull(mode);
        var n = weights.Length;
        if (!mode.StacksAdapters)
        {
            if (topK is not null)
                throw new ArgumentException($"topK ({topK}) applies to concat only; a {mode.Name} blend uses every adapter", nameof(topK));
            return Enumerable.Range(0, n).ToArray();
        }
        var k = topK ?? n;
        if (k < 1 || k > n)
            throw new ArgumentOutOfRangeException(nameof(topK), k, $"topK must be between 1 and {n} (the pool size)");
        var magnitudes = new float[n];
        for (var i = 0; i < n; i++) magnitudes[i] = MathF.Abs(weights[i]);
        return Enumerable.Range(0, n).OrderByDescending(i => magnitudes[i]).ThenBy(i => i).Take(k).ToArray();
    }
}
