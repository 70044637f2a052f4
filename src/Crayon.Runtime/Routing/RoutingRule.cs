using System.Globalization;

namespace Crayon.Routing;

/// <summary>
/// A calibrated threshold in the terms a person reads: single-signal policies route when the signal is at or below
/// the threshold ("similarity ≤ 0.19"), the others when their score is at or above it. The router compares negated
/// signals internally; printing that number would show the opposite sign of the similarities beside it.
/// </summary>
public readonly record struct RoutingRule(RoutingPolicy Policy, double Threshold)
{
    /// <summary>What is compared: "similarity", "confidence" or "combined score".</summary>
    public string Measure => Policy switch
    {
        RoutingPolicy.Similarity => "similarity",
        RoutingPolicy.Confidence => "confidence",
        _ => $"{Policy.ToString().ToLowerInvariant()} score",
    };

    /// <summary>True when the rule routes at or below its threshold (a signal), false at or above (a score).</summary>
    public bool RoutesBelow => Policy is RoutingPolicy.Similarity or RoutingPolicy.Confidence;

    /// <summary>The threshold in the measure's own terms.</summary>
    public double ShownThreshold => RoutesBelow ? -Threshold : Threshold;

    /// <summary>"≤"/"≥" for a query sent to the server, ">"/"<" for one kept on the device.</summary>
    public string Comparison(bool toServer) => RoutesBelow ? (toServer ? "≤" : ">") : (toServer ? "≥" : "<");

    /// <summary>The threshold, marked when it is infinite (never or always route).</summary>
    public string ThresholdText
    {
        get
        {
            var shown = ShownThreshold;
            var never = RoutesBelow ? double.IsNegativeInfinity(shown) : double.IsPositiveInfinity(shown);
            var always = RoutesBelow ? double.IsPositiveInfinity(shown) : double.IsNegativeInfinity(shown);
            return never ? $"{Format(shown)} (never route)" : always ? $"{Format(shown)} (always route)" : Format(shown);
        }
    }

    /// <summary>The whole rule: "to the server when similarity ≤ 0.19164".</summary>
    public override string ToString() => $"to the server when {Measure} {Comparison(toServer: true)} {ThresholdText}";

    // Five significant digits: similarities crowd near 1, where three decimals would print equal numbers.
    internal static string Format(double v) => v.ToString("G5", CultureInfo.InvariantCulture);
}
