namespace Crayon.Evaluation;

/// <summary>
/// The mean per-item difference between two methods scored on the same items, with its standard
/// error. Pairing removes the item-to-item spread that dominates each method's own error, so a gain
/// much smaller than either mean's standard error can still be clearly resolved.
/// </summary>
public readonly record struct PairedDifference(double Mean, double? StandardError, int Count)
{
    public static PairedDifference Of(IReadOnlyList<double> method, IReadOnlyList<double> reference)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(reference);
        if (method.Count != reference.Count) throw new ArgumentException($"paired scores need equal counts, got {method.Count} and {reference.Count}");
        if (method.Count == 0) throw new ArgumentException("no items to compare");
        var differences = method.Zip(reference, (m, r) => m - r).ToArray();
        var mean = differences.Average();
        double? error = differences.Length < 2 ? null : Math.Sqrt(differences.Sum(d => (d - mean) * (d - mean)) / (differences.Length - 1) / differences.Length);
        return new PairedDifference(mean, error, differences.Length);
    }
}
