using System.Globalization;

namespace Crayon.Routing;

/// <summary>
/// Where one query goes and why, as data: the signals, the score the policy made of them, and the
/// calibrated threshold it was compared with (route when score ≥ threshold).
/// </summary>
public sealed record RoutingDecision(
    RouteTarget Target, RoutingPolicy Policy, string Key,
    double Similarity, double? Confidence, double Score, double Threshold, double TargetRatio)
{
    /// <summary>The decision in one human-readable line.</summary>
    public string Reason
    {
        get
        {
            var signals = $"similarity {F(Similarity)}" + (Confidence is { } c ? $", confidence {F(c)}" : "");
            var comparison = Target == RouteTarget.Server ? "≥" : "<";
            var threshold = double.IsPositiveInfinity(Threshold) ? "∞ (never route)" : double.IsNegativeInfinity(Threshold) ? "-∞ (always route)" : F(Threshold);
            return $"{Target.ToString().ToLowerInvariant()}: {Policy.ToString().ToLowerInvariant()} score {F(Score)} {comparison} threshold {threshold} " +
                   $"(calibrated to route {F(100 * TargetRatio)}% of the user's examples; {signals})";
        }
    }

    // Five significant digits: similarities crowd near 1, where three decimals would print equal numbers.
    private static string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
}
