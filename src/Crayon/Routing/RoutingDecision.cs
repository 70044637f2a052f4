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
    /// <summary>
    /// The decision in one human-readable line. Single-signal policies read in the signal's own terms (route when the
    /// similarity or confidence is at or below the threshold); the others in terms of their score.
    /// </summary>
    public string Reason
    {
        get
        {
            var toServer = Target == RouteTarget.Server;
            var (measure, value, threshold, comparison, others) = Policy switch
            {
                RoutingPolicy.Similarity => ("similarity", Similarity, -Threshold, toServer ? "≤" : ">", Confidence is { } c ? $"confidence {F(c)}" : null),
                RoutingPolicy.Confidence when Confidence is { } c => ("confidence", c, -Threshold, toServer ? "≤" : ">", $"similarity {F(Similarity)}"),
                _ => ($"{Policy.ToString().ToLowerInvariant()} score", Score, Threshold, toServer ? "≥" : "<",
                      $"similarity {F(Similarity)}" + (Confidence is { } c ? $", confidence {F(c)}" : "")),
            };
            // Scores route at or above their threshold, signals at or below it: an infinite threshold means never or always.
            var routesBelow = comparison is "≤" or ">";
            var never = routesBelow ? double.IsNegativeInfinity(threshold) : double.IsPositiveInfinity(threshold);
            var always = routesBelow ? double.IsPositiveInfinity(threshold) : double.IsNegativeInfinity(threshold);
            var shown = never ? $"{F(threshold)} (never route)" : always ? $"{F(threshold)} (always route)" : F(threshold);
            return $"{Target.ToString().ToLowerInvariant()}: {measure} {F(value)} {comparison} threshold {shown} " +
                   $"(set to route {F(100 * TargetRatio)}% of the user's examples" + (others is null ? ")" : $"; {others})");
        }
    }

    // Five significant digits: similarities crowd near 1, where three decimals would print equal numbers.
    private static string F(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
}
