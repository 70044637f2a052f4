namespace Crayon.Routing;

/// <summary>One evaluated query for the accuracy-vs-ratio curve.</summary>
/// <param name="Score">The routing score (higher: routed sooner), from <see cref="RoutingScorer.Score"/>.</param>
/// <param name="DeviceCredit">Accuracy credit of the device's answer, 0..1 (fractional under ties).</param>
/// <param name="ServerCredit">Accuracy credit of the server's answer, 0..1.</param>
/// <param name="RequestBytes">Bytes the device would send to the server for this query.</param>
/// <param name="DeviceNll">-log P(gold answer) under the device model: a finer measure than accuracy where accuracy sits near chance.</param>
/// <param name="ServerNll">-log P(gold answer) under the server model.</param>
public readonly record struct RoutingOutcome(double Score, double DeviceCredit, double ServerCredit, long RequestBytes, double DeviceNll, double ServerNll);

/// <summary>The hybrid system at one routing ratio.</summary>
/// <param name="TargetRatio">The ratio asked for.</param>
/// <param name="Ratio">The share actually routed (Routed / Queries).</param>
/// <param name="BytesPerQuery">Bytes sent to the server, averaged over all queries.</param>
/// <param name="Nll">Mean gold-answer NLL over all queries, each from the model that answered it (lower is better).</param>
public sealed record RoutingCurvePoint(double TargetRatio, double Ratio, double Accuracy, double BytesPerQuery, int Routed, int Queries, double Nll);

/// <summary>
/// Accuracy against routing ratio (the paper's figure 4): at ratio r the round(r·n) queries with the
/// highest routing scores go to the server (score ties: earlier query first), every other query is
/// answered on the device. By construction ratio 0 is device-only accuracy and ratio 1 server-only.
/// A random-policy curve is the same construction over random scores.
/// </summary>
public static class RoutingCurve
{
    /// <summary>Evenly spaced ratios 0, 1/steps, …, 1.</summary>
    public static IReadOnlyList<double> Ratios(int steps = 10)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        return Enumerable.Range(0, steps + 1).Select(i => (double)i / steps).ToArray();
    }

    /// <exception cref="ArgumentException">no outcomes, a non-finite score, a credit outside [0, 1], negative bytes, or a ratio outside [0, 1].</exception>
    public static IReadOnlyList<RoutingCurvePoint> Build(IReadOnlyList<RoutingOutcome> outcomes, IReadOnlyList<double> ratios)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(ratios);
        if (outcomes.Count == 0) throw new ArgumentException("the routing curve needs at least one evaluated query", nameof(outcomes));
        for (var i = 0; i < outcomes.Count; i++) Validate(outcomes[i], i);
        foreach (var r in ratios)
            if (!(r >= 0 && r <= 1)) throw new ArgumentException($"routing ratio {r} is outside [0, 1]", nameof(ratios));

        var n = outcomes.Count;
        var order = Enumerable.Range(0, n).OrderByDescending(i => outcomes[i].Score).ThenBy(i => i).ToArray();
        var points = new List<RoutingCurvePoint>(ratios.Count);
        var toServer = new bool[n];
        foreach (var ratio in ratios)
        {
            var routed = (int)Math.Round(ratio * n, MidpointRounding.AwayFromZero);
            Array.Clear(toServer);
            for (var j = 0; j < routed; j++) toServer[order[j]] = true;
            // Summed in query order, so ratio 0 and 1 reproduce the device-only and server-only means bit for bit.
            double credit = 0, bytes = 0, nll = 0;
            for (var i = 0; i < n; i++)
            {
                credit += toServer[i] ? outcomes[i].ServerCredit : outcomes[i].DeviceCredit;
                nll += toServer[i] ? outcomes[i].ServerNll : outcomes[i].DeviceNll;
                if (toServer[i]) bytes += outcomes[i].RequestBytes;
            }
            points.Add(new RoutingCurvePoint(ratio, (double)routed / n, credit / n, bytes / n, routed, n, nll / n));
        }
        return points;
    }

    /// <summary>The curve as benchmark records for one (set, policy).</summary>
    public static IEnumerable<Evaluation.HybridRecord> ToRecords(string set, string policy, IEnumerable<RoutingCurvePoint> points) =>
        points.Select(p => new Evaluation.HybridRecord
        {
            Set = set, Policy = policy, Ratio = p.Ratio, Accuracy = p.Accuracy, Nll = p.Nll, BytesSent = p.BytesPerQuery, Queries = p.Queries, Routed = p.Routed,
        });

    private static void Validate(RoutingOutcome o, int i)
    {
        if (!double.IsFinite(o.Score)) throw new ArgumentException($"query {i} has routing score {o.Score}; it must be finite");
        if (!(o.DeviceCredit >= 0 && o.DeviceCredit <= 1)) throw new ArgumentException($"query {i} has device credit {o.DeviceCredit}, outside [0, 1]");
        if (!(o.ServerCredit >= 0 && o.ServerCredit <= 1)) throw new ArgumentException($"query {i} has server credit {o.ServerCredit}, outside [0, 1]");
        if (o.RequestBytes < 0) throw new ArgumentException($"query {i} has {o.RequestBytes} request bytes");
        if (!(o.DeviceNll >= 0 && double.IsFinite(o.DeviceNll))) throw new ArgumentException($"query {i} has device NLL {o.DeviceNll}; it must be finite and not negative");
        if (!(o.ServerNll >= 0 && double.IsFinite(o.ServerNll))) throw new ArgumentException($"query {i} has server NLL {o.ServerNll}; it must be finite and not negative");
    }
}
