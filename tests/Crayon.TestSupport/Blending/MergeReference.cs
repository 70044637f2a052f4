using Crayon.Blending;

namespace Crayon.Tests.Blending;

/// <summary>
/// PEFT's factor-wise merges in float64, written from their documented formulas (TIES: trim to the top density by
/// magnitude, elect the sign, mean of the agreeing values; DARE: drop with probability 1 - density, rescale by 1/density),
/// with each factor weighted by √w as PEFT's add_weighted_adapter does. Independent of the kernels' design: the top-k is
/// a sort (ties by lowest index), not a threshold and cut, and the dare hash is written out from crayon_blend.h.
/// </summary>
internal static class MergeReference
{
    /// <summary>One merged element, and, where the sign election is too close for fp32 to decide, the other outcome too.</summary>
    public readonly record struct Element(double Value, double Scale, double? Alternative);

    /// <summary>Merges tensor <paramref name="tensor"/> given each adapter's stored values (after storage rounding).</summary>
    public static Element[] Merge(BlendRecipe recipe, IReadOnlyList<float[]> stored, ReadOnlySpan<float> weights, int tensor)
    {
        var n = stored.Count;
        var length = stored[0].Length;
        var kept = new bool[n][];
        for (var i = 0; i < n; i++)
            kept[i] = recipe.IsRandom ? DareMask(recipe.Seed, recipe.Density, i, tensor, length) : TopKMask(stored[i], recipe.Density);
        var factors = new double[n];
        for (var i = 0; i < n; i++) factors[i] = Math.Sqrt(weights[i]) / (recipe.IsRandom ? recipe.Density : 1.0);

        var result = new Element[length];
        var v = new double[n];
        for (var e = 0; e < length; e++)
        {
            double sum = 0, votes = 0, scale = 0;
            for (var i = 0; i < n; i++)
            {
                v[i] = kept[i][e] ? factors[i] * stored[i][e] : 0;
                sum += v[i];
                votes += Math.Sign(v[i]);
                scale += Math.Abs(v[i]);
            }
            if (!recipe.ElectsSign)
            {
                result[e] = new Element(sum, scale, null);
                continue;
            }
            var statistic = recipe.MajoritySign == MajoritySignMethod.Total ? sum : votes;
            var elected = DisjointMean(v, statistic >= 0 ? 1 : -1);
            // fp32 sums can land on the other side of 0 when the float64 sum is within their rounding of it.
            double? other = recipe.MajoritySign == MajoritySignMethod.Total && Math.Abs(sum) <= 1e-5 * scale
                ? DisjointMean(v, statistic >= 0 ? -1 : 1)
                : null;
            result[e] = new Element(elected, scale, other);
        }
        return result;
    }

    private static double DisjointMean(double[] v, int sign)
    {
        double sum = 0;
        var count = 0;
        foreach (var x in v)
            if (Math.Sign(x) == sign)
            {
                sum += x;
                count++;
            }
        return sum / Math.Max(count, 1);
    }

    /// <summary>The floor(density · length) largest |x| (PEFT: int(density * numel)), equal magnitudes by lowest index.</summary>
    public static bool[] TopKMask(float[] x, float density)
    {
        var k = (int)Math.Floor((double)density * x.Length);
        var order = Enumerable.Range(0, x.Length).OrderByDescending(e => Math.Abs(x[e])).ThenBy(e => e).Take(k);
        var mask = new bool[x.Length];
        foreach (var e in order) mask[e] = true;
        return mask;
    }

    /// <summary>Which elements dare keeps, from crayon_blend.h's counter-based hash of (seed, adapter, tensor, element).</summary>
    public static bool[] DareMask(ulong seed, float density, int adapter, int tensor, int length)
    {
        var keepBelow = (uint)Math.Round((double)density * (1 << 24), MidpointRounding.AwayFromZero);
        var s = Mix(Mix((uint)seed) ^ (uint)(seed >> 32));
        var key = Mix(Mix(s ^ (uint)adapter) ^ (uint)tensor);
        var mask = new bool[length];
        for (var e = 0; e < length; e++) mask[e] = Mix(Mix(key ^ (uint)e)) >> 8 < keepBelow;
        return mask;
    }

    private static uint Mix(uint x)
    {
        x ^= x >> 16;
        x *= 0x7feb352du;
        x ^= x >> 15;
        x *= 0x846ca68bu;
        x ^= x >> 16;
        return x;
    }
}
