namespace Crayon.Blending;

/// <summary>
/// The one place top-k order is decided: alpha's top-k (<c>BlendAlpha</c>, <c>TaskAlpha</c>), the adapters a blend stacks
/// (<see cref="BlendSelection"/>, hence <see cref="ResidentPool"/> and the in-place swap), the adapters a customization
/// uses, and the benchmarks all call it. Both orders put larger first and break ties by the lower index, so a result
/// never depends on the sort algorithm or the platform.
/// <para>
/// Why two keys. Scores (cosine similarities to the centroids, summed alpha) rank by value: a similarity of −0.9 means
/// "least like this adapter", not "very relevant". Blend weights rank by magnitude: a user-given weight may be negative
/// (linear and concat allow it, to subtract an adapter), and w = −0.9 moves the model as far as 0.9 does, so dropping it
/// before a 0.1 would drop the larger term of Σ w_i B_i A_i. For alpha from a softmax every weight is positive, and the
/// two orders agree (|w| = w), so a device's alpha and the same numbers given as weights select the same adapters.
/// </para>
/// </summary>
public static class TopK
{
    /// <summary>The indices of the <paramref name="k"/> largest scores, largest first; equal scores keep index order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k outside 1..n.</exception>
    /// <exception cref="ArgumentException">a NaN score (it has no place in an order).</exception>
    public static int[] Largest(ReadOnlySpan<double> scores, int k)
    {
        var keys = scores.ToArray();
        for (var i = 0; i < keys.Length; i++)
            if (double.IsNaN(keys[i])) throw new ArgumentException($"value {i} is NaN; top-k needs comparable values", nameof(scores));
        return Select(keys, k);
    }

    /// <summary>The indices of the <paramref name="k"/> weights of largest |w|, largest first; equal magnitudes keep index order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k outside 1..n.</exception>
    /// <exception cref="ArgumentException">a NaN weight.</exception>
    public static int[] LargestMagnitude(ReadOnlySpan<float> weights, int k)
    {
        var keys = new double[weights.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            if (float.IsNaN(weights[i])) throw new ArgumentException($"weight {i} is NaN; top-k needs comparable values", nameof(weights));
            keys[i] = Math.Abs(weights[i]);
        }
        return Select(keys, k);
    }

    private static int[] Select(double[] keys, int k)
    {
        if (k < 1 || k > keys.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"top-k must be between 1 and {keys.Length} (the number of values)");
        var order = new int[keys.Length];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) => keys[b].CompareTo(keys[a]) is var c && c != 0 ? c : a.CompareTo(b));
        return order[..k];
    }
}
