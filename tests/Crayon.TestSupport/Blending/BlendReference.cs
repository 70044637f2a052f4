using Crayon.Adapters;
using Crayon.Blending;

namespace Crayon.Tests.Blending;

/// <summary>
/// Float64 references computed from the TRUE float32 inputs (not their fp16/bf16-rounded copies),
/// so a tolerance covers storage rounding and fp32 accumulation together. The error measure of a
/// tensor is max_j |x_j - ref_j| / max_j |ref_j|; an unwritten (NaN) element makes it +infinity,
/// which fails every bound (NaN would not: NUnit orders NaN below every number).
/// </summary>
internal static class BlendReference
{
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
    {
        if (actual.Length != expected.Length) throw new ArgumentException($"{actual.Length} values, expected {expected.Length}");
        double worst = 0, scale = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var difference = Math.Abs(actual[i] - expected[i]);
            if (double.IsNaN(difference)) return double.PositiveInfinity;
            worst = Math.Max(worst, difference);
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return scale > 0 ? worst / scale : worst;
    }

    /// <summary>linear: X' = Σ w_i X̂_i per tensor, with B normalised to the pool's alpha.</summary>
    public static double[] Linear(AdapterPool pool, float[] weights, int target, bool factorB)
    {
        var first = Pair(pool, 0, target);
        var length = factorB ? first.B.Data.Length : first.A.Data.Length;
        var sum = new double[length];
        for (var i = 0; i < pool.Count; i++)
        {
            var pair = Pair(pool, i, target);
            var data = factorB ? pair.B.Data : pair.A.Data;
            var scale = (double)weights[i] * (factorB ? Normalisation(pool, i) : 1.0);
            for (var j = 0; j < length; j++) sum[j] += scale * data[j];
        }
        return sum;
    }

    /// <summary>The update llama.cpp applies for the chosen adapters: Σ_s w_s (α_s / r) B_s A_s (out × in).</summary>
    public static double[] ExactUpdate(AdapterPool pool, float[] weights, IReadOnlyList<int> chosen, int target)
    {
        var t = pool.Targets[target];
        var update = new double[t.OutFeatures * t.InFeatures];
        foreach (var s in chosen)
        {
            var pair = Pair(pool, s, target);
            var scale = weights[s] * AdapterPool.LlamaScale(pool.Adapters[s].Alpha, pool.Rank);
            AddProduct(update, pair.B.Data, pair.A.Data, t.OutFeatures, pool.Rank, t.InFeatures, scale);
        }
        return update;
    }

    /// <summary>The update llama.cpp applies for a blended adapter's pair: (alpha / rank) B' A'.</summary>
    public static double[] AppliedUpdate(LoraAdapter adapter, int target)
    {
        var pair = adapter.Pairs[target];
        var update = new double[pair.OutFeatures * pair.InFeatures];
        AddProduct(update, pair.B.Data, pair.A.Data, pair.OutFeatures, pair.Rank, pair.InFeatures, AdapterPool.LlamaScale(adapter.Alpha, pair.Rank));
        return update;
    }

    public static float[] ToFloats(double[] values) => values.Select(v => (float)v).ToArray();

    private static double Normalisation(AdapterPool pool, int index) =>
        AdapterPool.LlamaScale(pool.Adapters[index].Alpha, pool.Rank) / AdapterPool.LlamaScale(pool.ReferenceAlpha, pool.Rank);

    private static LoraPair Pair(AdapterPool pool, int adapter, int target) =>
        pool.Adapters[adapter].Pairs.Single(p => p.Target == pool.Targets[target].Name);

    private static void AddProduct(double[] into, float[] b, float[] a, int rows, int inner, int cols, double scale)
    {
        for (var o = 0; o < rows; o++)
            for (var k = 0; k < inner; k++)
            {
                var factor = scale * b[o * inner + k];
                if (factor == 0) continue;
                var row = o * cols;
                var aRow = k * cols;
                for (var c = 0; c < cols; c++) into[row + c] += factor * a[aRow + c];
            }
    }
}
