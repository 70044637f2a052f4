using Crayon.Routing;
using NUnit.Framework;

namespace Crayon.Tests.Routing;

public class RoutingCurveTests
{
    // A mixed set: in-scope queries (similar to q_c) the device answers well, out-of-scope queries it does not.
    private static (QuerySignals Signals, double Device, double Server)[] MixedSet()
    {
        var random = new SeededRandom(21);
        return Enumerable.Range(0, 400).Select(i =>
        {
            var inScope = i % 2 == 0;
            var similarity = inScope ? 0.6 + 0.3 * random.NextDouble() : 0.1 + 0.4 * random.NextDouble();
            var device = random.NextDouble() < (inScope ? 0.7 : 0.25) ? 1.0 : 0.0;
            var server = random.NextDouble() < 0.6 ? 1.0 : 0.0;
            return (new QuerySignals("q" + i, similarity), device, server);
        }).ToArray();
    }

    private static RoutingOutcome[] Outcomes(RoutingScorer scorer, (QuerySignals Signals, double Device, double Server)[] set) =>
        set.Select(q => new RoutingOutcome(scorer.Score(q.Signals), q.Device, q.Server, 100 + q.Signals.Key.Length, 2 - q.Device, 2 - q.Server + q.Signals.Similarity)).ToArray();

    [Test]
    public void TheEndsAreDeviceOnlyAndServerOnlyByConstruction()
    {
        var set = MixedSet();
        var outcomes = Outcomes(new RoutingScorer(RoutingPolicy.Similarity, [set[0].Signals]), set);
        var curve = RoutingCurve.Build(outcomes, RoutingCurve.Ratios(10));

        Assert.That(curve, Has.Count.EqualTo(11));
        Assert.That(curve[0].Accuracy, Is.EqualTo(outcomes.Sum(o => o.DeviceCredit) / outcomes.Length));
        Assert.That(curve[0].BytesPerQuery, Is.Zero);
        Assert.That(curve[^1].Accuracy, Is.EqualTo(outcomes.Sum(o => o.ServerCredit) / outcomes.Length));
        Assert.That(curve[^1].BytesPerQuery, Is.EqualTo(outcomes.Average(o => (double)o.RequestBytes)).Within(1e-9));
        Assert.That(curve[0].Nll, Is.EqualTo(outcomes.Sum(o => o.DeviceNll) / outcomes.Length), "device-only NLL");
        Assert.That(curve[^1].Nll, Is.EqualTo(outcomes.Sum(o => o.ServerNll) / outcomes.Length), "server-only NLL");
        Assert.That(curve.Select(p => p.Routed), Is.EqualTo(Enumerable.Range(0, 11).Select(i => i * 40)));
        Assert.That(curve.Select(p => p.BytesPerQuery), Is.Ordered.Ascending);
    }

    [Test]
    public void SimilarityRoutingBeatsRandomRoutingOnAMixedSet()
    {
        var set = MixedSet();
        var calibration = set.Where((_, i) => i % 2 == 0).Take(50).Select(q => q.Signals).ToArray();
        var ratios = RoutingCurve.Ratios(10);
        var similarity = RoutingCurve.Build(Outcomes(new RoutingScorer(RoutingPolicy.Similarity, calibration), set), ratios);
        var random = RoutingCurve.Build(Outcomes(new RoutingScorer(RoutingPolicy.Random, calibration, seed: 3), set), ratios);

        for (var i = 1; i < 10; i++)
            Assert.That(similarity[i].Accuracy, Is.GreaterThan(random[i].Accuracy), $"ratio {ratios[i]}");
    }

    [Test]
    public void RecordsCarryTheRealisedRatio()
    {
        var outcomes = new[] { new RoutingOutcome(0.9, 0, 1, 50, 4, 1), new RoutingOutcome(0.1, 1, 1, 70, 2, 8), new RoutingOutcome(0.5, 1, 0, 60, 3, 5) };
        var records = RoutingCurve.ToRecords("customized", "similarity", RoutingCurve.Build(outcomes, [0.5])).Single();
        Assert.That(records.Ratio, Is.EqualTo(2 / 3.0), "round(0.5 × 3) = 2 queries routed");
        Assert.That(records.Accuracy, Is.EqualTo(2 / 3.0), "the two highest scores go to the server: 1 + 0, plus the device's 1");
        Assert.That(records.BytesSent, Is.EqualTo(110 / 3.0));
        Assert.That(records.Nll, Is.EqualTo((1 + 2 + 5) / 3.0), "each query's NLL from the model that answered it");
        Assert.That(records.Set, Is.EqualTo("customized"));
        Assert.That(records.Routed, Is.EqualTo(2));
    }

    [Test]
    public void BadOutcomesAreNamed()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => RoutingCurve.Build([new RoutingOutcome(0, 1.5, 0, 0, 1, 1)], [0]))!.Message, Does.Contain("query 0 has device credit 1.5"));
        Assert.That(Assert.Throws<ArgumentException>(() => RoutingCurve.Build([new RoutingOutcome(0, 1, 0, 0, 1, double.PositiveInfinity)], [0]))!.Message, Does.Contain("query 0 has server NLL"));
        Assert.Throws<ArgumentException>(() => RoutingCurve.Build([new RoutingOutcome(double.NaN, 1, 0, 0, 1, 1)], [0]));
        Assert.Throws<ArgumentException>(() => RoutingCurve.Build([new RoutingOutcome(0, 1, 0, -1, 1, 1)], [0]));
        Assert.Throws<ArgumentException>(() => RoutingCurve.Build([new RoutingOutcome(0, 1, 0, 0, 1, 1)], [1.1]));
        Assert.Throws<ArgumentException>(() => RoutingCurve.Build([], [0]));
    }
}
