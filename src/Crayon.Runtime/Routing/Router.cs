namespace Crayon.Routing;

/// <summary>
/// A routing policy with its ratio knob calibrated on the user's own examples: the threshold is the
/// quantile of their routing scores above which the target share lies, so "route 20 %" means 20 % of
/// queries like the user's would leave the device, and queries unlike them (out of scope) leave more
/// often. Target 0 never routes, target 1 always does. Examples tied at the cut route together or stay
/// together, whichever share lies nearer the target (a draw keeps them on the device). The random policy
/// needs no calibration: its scores are uniform, so the threshold is 1 - ratio.
/// </summary>
public sealed class Router
{
    private readonly RoutingScorer _scorer;

    private Router(RoutingScorer scorer, double targetRatio, double threshold)
    {
        _scorer = scorer;
        TargetRatio = targetRatio + 0.0; // -0 → 0: "route -0%" in a decision's reason reads as a bug
        Threshold = threshold;
    }

    /// <summary>The policy whose score is compared with <see cref="Threshold"/>.</summary>
    public RoutingPolicy Policy => _scorer.Policy;

    /// <summary>The signals the policy composes (<see cref="RoutingScorer.SignalsOf"/>).</summary>
    public IReadOnlyList<IRoutingSignal> Signals => _scorer.Signals;

    /// <summary>The share of the calibration examples meant to be routed.</summary>
    public double TargetRatio { get; }

    /// <summary>Queries with a score at or above this go to the server.</summary>
    public double Threshold { get; }

    /// <summary>The threshold as a person reads it ("to the server when similarity ≤ 0.19").</summary>
    public RoutingRule Rule => new(Policy, Threshold);

    /// <summary>Calibrates <paramref name="policy"/> on the user's examples for a target routing ratio in [0, 1].</summary>
    /// <exception cref="ArgumentOutOfRangeException">the ratio is outside [0, 1] or not finite.</exception>
    /// <exception cref="ArgumentException">no calibration examples, or signals the policy cannot use.</exception>
    public static Router Calibrate(RoutingPolicy policy, IReadOnlyList<QuerySignals> calibration, double targetRatio, long seed = 0)
    {
        if (!(targetRatio >= 0 && targetRatio <= 1)) throw new ArgumentOutOfRangeException(nameof(targetRatio), targetRatio, "the routing ratio must be between 0 and 1");
        var scorer = new RoutingScorer(policy, calibration, seed);
        return new Router(scorer, targetRatio, ThresholdFor(scorer, calibration, targetRatio));
    }

    /// <summary>Decides where <paramref name="query"/> goes; the decision carries its reason.</summary>
    public RoutingDecision Decide(QuerySignals query)
    {
        var score = _scorer.Score(query);
        var target = score >= Threshold ? RouteTarget.Server : RouteTarget.Device;
        return new RoutingDecision(target, Policy, query.Key, query.Similarity, query.Confidence, score, Threshold, TargetRatio);
    }

    private static double ThresholdFor(RoutingScorer scorer, IReadOnlyList<QuerySignals> calibration, double ratio)
    {
        if (ratio == 0) return double.PositiveInfinity;
        if (ratio == 1) return double.NegativeInfinity;
        if (scorer.Policy == RoutingPolicy.Random) return 1 - ratio;
        var scores = calibration.Select(scorer.Score).OrderDescending().ToArray();
        var routed = (int)Math.Round(ratio * scores.Length, MidpointRounding.AwayFromZero);
        // routed == 0: a threshold just above every example, so only queries stranger than all of them leave.
        if (routed == 0) return Math.BitIncrement(scores[0]);
        var cut = scores[routed - 1];
        // Examples tied at the cut all route or all stay (a threshold cannot split them): take whichever count lies
        // nearer the target, and on a draw the one that keeps more on the device. Without this, two examples with one
        // similarity (K = 2 always gives two equal leave-one-out similarities) turned any ratio above 1/4 into 100 %.
        var above = scores.Count(s => s > cut);
        var atOrAbove = scores.Count(s => s >= cut);
        if (atOrAbove == routed) return cut; // no tie across the cut: exactly the rounded target
        var target = ratio * scores.Length;
        return atOrAbove - target < target - above ? cut : Math.BitIncrement(cut);
    }
}
