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
    /// <summary>The threshold as a rule in the terms a person reads (see <see cref="RoutingRule"/>).</summary>
    public RoutingRule Rule => new(Policy, Threshold);

    /// <summary>
    /// The decision in one human-readable line. Single-signal policies read in the signal's own terms (route when the
    /// similarity or confidence is at or below the threshold); the others in terms of their score.
    /// </summary>
    public string Reason
    {
        get
        {
            var rule = Rule;
            var (value, others) = Policy switch
            {
                RoutingPolicy.Similarity => (Similarity, Confidence is { } c ? $"confidence {F(c)}" : null),
                RoutingPolicy.Confidence when Confidence is { } c => (c, $"similarity {F(Similarity)}"),
                _ => (Score, $"similarity {F(Similarity)}" + (Confidence is { } c ? $", confidence {F(c)}" : "")),
            };
            return $"{Target.ToString().ToLowerInvariant()}: {rule.Measure} {F(value)} {rule.Comparison(Target == RouteTarget.Server)} threshold {rule.ThresholdText} " +
                   $"(set to route {F(100 * TargetRatio)}% of the user's examples" + (others is null ? ")" : $"; {others})");
        }
    }

    private static string F(double v) => RoutingRule.Format(v);
}
