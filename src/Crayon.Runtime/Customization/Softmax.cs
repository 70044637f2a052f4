namespace Crayon.Customization;

/// <summary>The softmax of logits, computed stably (the maximum subtracted first).</summary>
public static class Softmax
{
    /// <exception cref="ArgumentException">no logits.</exception>
    public static double[] Of(ReadOnlySpan<double> logits)
    {
        if (logits.Length == 0) throw new ArgumentException("no logits", nameof(logits));
        var max = double.NegativeInfinity;
        foreach (var z in logits) max = Math.Max(max, z);
        var result = new double[logits.Length];
        var sum = 0.0;
        for (var i = 0; i < result.Length; i++) sum += result[i] = Math.Exp(logits[i] - max);
        for (var i = 0; i < result.Length; i++) result[i] /= sum;
        return result;
    }
}
