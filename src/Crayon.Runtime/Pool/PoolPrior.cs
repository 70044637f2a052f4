using System.Globalization;

namespace Crayon.Pool;

/// <summary>
/// A pool's prior over its adapters: each adapter's share of the examples the pool was built from (its cluster's members
/// ÷ all members, from the build's <c>cluster_sizes</c> provenance). Alpha from similarities alone treats every cluster as
/// equally likely before the user's examples are seen; a mixture model weighs its components by their mass, and a big
/// cluster's adapter, trained on more of the data, tends to help more tasks. A pool without cluster sizes (one assembled
/// from adapters trained elsewhere) has the uniform prior.
/// </summary>
public static class PoolPrior
{
    /// <summary>The provenance key the builder records the clusters' member counts under, comma-separated in adapter order.</summary>
    public const string ClusterSizesKey = "cluster_sizes";

    /// <summary>The prior of a pool of <paramref name="count"/> adapters with this provenance; sums to 1.</summary>
    /// <exception cref="ArgumentException">the cluster sizes are there but not <paramref name="count"/> positive integers (the message names the key).</exception>
    public static double[] From(IReadOnlyDictionary<string, string> provenance, int count)
    {
        ArgumentNullException.ThrowIfNull(provenance);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (!provenance.TryGetValue(ClusterSizesKey, out var text)) return Enumerable.Repeat(1.0 / count, count).ToArray();
        var parts = text.Split(',');
        if (parts.Length != count)
            throw new ArgumentException($"provenance '{ClusterSizesKey}' has {parts.Length} sizes for {count} adapters");
        var sizes = new double[count];
        for (var i = 0; i < count; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
                throw new ArgumentException($"provenance '{ClusterSizesKey}': size {i} ('{Shorten(parts[i])}') is not a positive integer");
            sizes[i] = size;
        }
        var total = sizes.Sum();
        return sizes.Select(s => s / total).ToArray();
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
