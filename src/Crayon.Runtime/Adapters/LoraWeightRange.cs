using Crayon.Formats.Gguf;

namespace Crayon.Adapters;

/// <summary>
/// Checks that an adapter's weights are finite, stay finite when stored in a narrower type, and that
/// its update B·A cannot overflow when llama.cpp applies it. A blend with huge weights (3e38, or 1e6
/// stored as f16) gives Inf/NaN logits and generation prints nothing, with no error; weights that are
/// finite one by one (3e38 × 0.3) still overflow in the product. Such an adapter is refused before it
/// reaches a model.
/// </summary>
public static class LoraWeightRange
{
    /// <summary>
    /// The bound on |ΔW| entries (rank · max|A| · max|B|): f16's largest value, since llama.cpp may run
    /// the adapter's matrix products in f16 on GPU backends. Trained adapters stay below 1 by far.
    /// </summary>
    public const double MaxUpdate = 65504;

    /// <summary>The largest finite value of each storage type.</summary>
    public static float MaxFinite(GgmlType storage) => storage switch
    {
        GgmlType.F16 => 65504f,
        _ => float.MaxValue, // f32 and bf16 share f32's exponent range
    };

    /// <summary>Null when every weight is finite in <paramref name="storage"/>; else where the first bad one is.</summary>
    public static string? FindOverflow(LoraAdapter adapter, GgmlType storage)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        var max = MaxFinite(storage);
        foreach (var pair in adapter.Pairs)
            foreach (var (matrix, name) in new[] { (pair.A, "lora_a"), (pair.B, "lora_b") })
            {
                var data = matrix.Data;
                for (var i = 0; i < data.Length; i++)
                    if (!float.IsFinite(data[i]) || Math.Abs(data[i]) > max)
                        return $"{pair.Target}.{name}[{i}] is {data[i]:G9}" + (float.IsFinite(data[i]) ? $", beyond {storage}'s largest value {max:G9}" : "");
            }
        foreach (var pair in adapter.Pairs)
        {
            var bound = (double)pair.Rank * MaxAbs(pair.A.Data) * MaxAbs(pair.B.Data);
            if (!(bound <= MaxUpdate))
                return $"{pair.Target}: its update B·A may reach {bound:G3} (rank × max|A| × max|B|), beyond {MaxUpdate:G}";
        }
        return null;
    }

    private static double MaxAbs(float[] data)
    {
        var max = 0.0;
        foreach (var v in data) max = Math.Max(max, Math.Abs((double)v));
        return max;
    }

    /// <exception cref="ArgumentException">A weight is not finite in <paramref name="storage"/>; the message says which.</exception>
    public static void Require(LoraAdapter adapter, GgmlType storage)
    {
        if (FindOverflow(adapter, storage) is { } where)
            throw new ArgumentException($"the blended adapter has weights that are not finite in {storage} ({where}): the blend weights are too large; use smaller weights");
    }
}
