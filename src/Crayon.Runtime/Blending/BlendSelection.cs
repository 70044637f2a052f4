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
    /// <paramref name="topK"/> (default: all) with the largest |w|, largest first, ties by index (<see cref="TopK.LargestMagnitude"/>).
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
        return TopK.LargestMagnitude(weights, k);
    }
}
