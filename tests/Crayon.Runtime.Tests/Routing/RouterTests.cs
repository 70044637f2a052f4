using Crayon.Routing;
using NUnit.Framework;

namespace Crayon.Tests.Routing;

public class RouterTests
{
    // 100 of the user's examples: similarities 0.50..0.99, confidences 0.01..1.00 in another order.
    private static readonly QuerySignals[] Calibration = Enumerable.Range(0, 100)
        .Select(i => new QuerySignals("ex" + i, 0.5 + i * 0.005, ((i * 37) % 100 + 1) / 100.0)).ToArray();

    [TestCase(RoutingPolicy.Similarity)]
    [TestCase(RoutingPolicy.Confidence)]
    [TestCase(RoutingPolicy.Combined)]
    public void TheRatioKnobRoutesThatShareOfTheUsersOwnExamples(RoutingPolicy policy)
    {
        foreach (var ratio in new[] { 0.1, 0.25, 0.5, 0.9 })
        {
            var router = Router.Calibrate(policy, Calibration, ratio);
            var routed = Calibration.Count(q => router.Decide(q).Target == RouteTarget.Server);
            Assert.That(routed, Is.EqualTo((int)Math.Round(ratio * 100)).Within(policy == RoutingPolicy.Combined ? 3 : 0), $"{policy} at {ratio}");
        }
    }

    [Test]
    public void SimilarityRoutingSendsTheLeastSimilarQueries()
    {
        var router = Router.Calibrate(RoutingPolicy.Similarity, Calibration, 0.2);
        Assert.That(router.Decide(new QuerySignals("far", 0.1)).Target, Is.EqualTo(RouteTarget.Server));
        Assert.That(router.Decide(new QuerySignals("near", 0.95)).Target, Is.EqualTo(RouteTarget.Device));
        Assert.That(Calibration.Where(q => router.Decide(q).Target == RouteTarget.Server).Max(q => q.Similarity),
            Is.LessThan(Calibration.Where(q => router.Decide(q).Target == RouteTarget.Device).Min(q => q.Similarity)));
    }

    [Test]
    public void RatioZeroNeverRoutesAndRatioOneAlwaysDoes()
    {
        var never = Router.Calibrate(RoutingPolicy.Similarity, Calibration, 0);
        var always = Router.Calibrate(RoutingPolicy.Similarity, Calibration, 1);
        Assert.That(never.Decide(new QuerySignals("far", -1)).Target, Is.EqualTo(RouteTarget.Device));
        Assert.That(always.Decide(new QuerySignals("near", 1)).Target, Is.EqualTo(RouteTarget.Server));
    }

    [Test]
    public void ATinyRatioStillRoutesQueriesStrangerThanEveryExample()
    {
        var router = Router.Calibrate(RoutingPolicy.Similarity, Calibration, 0.001);
        Assert.That(Calibration.All(q => router.Decide(q).Target == RouteTarget.Device));
        Assert.That(router.Decide(new QuerySignals("far", 0.2)).Target, Is.EqualTo(RouteTarget.Server));
    }

    [Test]
    public void TiedExamplesRouteTogetherWhicheverShareIsNearerTheTarget()
    {
        // K = 2: leave-one-out similarities are always equal, so a threshold routes both or neither.
        QuerySignals[] two = [new("a", 0.7), new("b", 0.7)];
        int Routed(IReadOnlyList<QuerySignals> calibration, double ratio)
        {
            var router = Router.Calibrate(RoutingPolicy.Similarity, calibration, ratio);
            return calibration.Count(q => router.Decide(q).Target == RouteTarget.Server);
        }
        Assert.Multiple(() =>
        {
            Assert.That(Routed(two, 0.3), Is.EqualTo(0), "0 is nearer 30 % than 100 % (was 2: every in-scope query routed)");
            Assert.That(Routed(two, 0.5), Is.EqualTo(0), "a draw keeps the examples on the device");
            Assert.That(Routed(two, 0.6), Is.EqualTo(2));
            Assert.That(Routed(two, 1), Is.EqualTo(2));
            Assert.That(Routed(two, 0), Is.EqualTo(0));
        });
        var stranger = Router.Calibrate(RoutingPolicy.Similarity, two, 0.5);
        Assert.That(stranger.Decide(new QuerySignals("far", 0.69)).Target, Is.EqualTo(RouteTarget.Server), "queries less similar than the tie still leave");

        // Ten examples, four tied at the cut of a 30 % target: 2 route (the two least similar), not 6.
        QuerySignals[] ten = [.. new[] { 0.1, 0.2, 0.5, 0.5, 0.5, 0.5, 0.8, 0.9, 0.95, 0.99 }.Select((v, i) => new QuerySignals("e" + i, v))];
        Assert.That(Routed(ten, 0.3), Is.EqualTo(2));
        Assert.That(Routed(ten, 0.5), Is.EqualTo(6));
        Assert.That(Routed(ten, 0.2), Is.EqualTo(2), "no tie at the cut: exactly the rounded target");
    }

    [Test]
    public void EveryDecisionCarriesItsReasonAsData()
    {
        var router = Router.Calibrate(RoutingPolicy.Combined, Calibration, 0.3);
        var decision = router.Decide(new QuerySignals("q7", 0.2, 0.001));

        Assert.That(decision.Target, Is.EqualTo(RouteTarget.Server));
        Assert.That(decision.Policy, Is.EqualTo(RoutingPolicy.Combined));
        Assert.That(decision.Key, Is.EqualTo("q7"));
        Assert.That(decision.Similarity, Is.EqualTo(0.2));
        Assert.That(decision.Confidence, Is.EqualTo(0.001));
        Assert.That(decision.Score, Is.EqualTo(1.0), "below every calibration example on both signals");
        Assert.That(decision.Threshold, Is.EqualTo(router.Threshold));
        Assert.That(decision.TargetRatio, Is.EqualTo(0.3));
        Assert.That(decision.Reason, Does.StartWith("server: combined score 1 ≥ threshold").And.Contain("route 30% of the user's examples").And.Contain("similarity 0.2, confidence 0.001"));
    }

    [Test]
    public void SingleSignalDecisionsReadInTheSignalsOwnTerms()
    {
        var router = Router.Calibrate(RoutingPolicy.Similarity, Calibration, 0.3);
        var cut = (-router.Threshold).ToString("G5", System.Globalization.CultureInfo.InvariantCulture);
        var far = router.Decide(new QuerySignals("far", -0.5, 0.9));
        var near = router.Decide(new QuerySignals("near", 0.99, 0.9));

        Assert.That(far.Reason, Does.StartWith($"server: similarity -0.5 ≤ threshold {cut} ").And.Contain("confidence 0.9"));
        Assert.That(near.Reason, Does.StartWith($"device: similarity 0.99 > threshold {cut} "));
        Assert.That(router.Rule.ToString(), Is.EqualTo($"to the server when similarity ≤ {cut}"), "the router states its rule as its decisions do");
        Assert.That(Router.Calibrate(RoutingPolicy.Combined, Calibration, 0.3).Rule.ToString(), Does.StartWith("to the server when combined score ≥ "));
        Assert.That(Router.Calibrate(RoutingPolicy.Similarity, Calibration, 0).Rule.ToString(), Does.EndWith("(never route)"));
        Assert.That(Router.Calibrate(RoutingPolicy.Similarity, Calibration, 1).Rule.ToString(), Does.EndWith("(always route)"));
    }

    [Test]
    public void RandomRoutingIsSeededPerQueryAndHitsTheRatio()
    {
        var router = Router.Calibrate(RoutingPolicy.Random, Calibration, 0.3, seed: 5);
        var queries = Enumerable.Range(0, 4000).Select(i => new QuerySignals("q" + i, 0.9)).ToArray();
        var routed = queries.Count(q => router.Decide(q).Target == RouteTarget.Server);

        Assert.That(routed / 4000.0, Is.EqualTo(0.3).Within(0.035)); // ±5 standard deviations of a binomial(4000, 0.3)
        Assert.That(queries.Reverse().Select(q => router.Decide(q).Target).Reverse(), Is.EqualTo(queries.Select(q => router.Decide(q).Target)), "order-independent");
        var other = Router.Calibrate(RoutingPolicy.Random, Calibration, 0.3, seed: 6);
        Assert.That(queries.Select(q => other.Decide(q).Target), Is.Not.EqualTo(queries.Select(q => router.Decide(q).Target)));
    }

    [Test]
    public void ConfidencePoliciesNeedConfidenceAndBadInputIsNamed()
    {
        var noConfidence = Calibration.Select(c => c with { Confidence = null }).ToArray();
        var error = Assert.Throws<ArgumentException>(() => Router.Calibrate(RoutingPolicy.Confidence, noConfidence, 0.2))!;
        Assert.That(error.Message, Does.Contain("calibration example 0 ('ex0') has no confidence signal, which the Confidence policy needs"));
        var router = Router.Calibrate(RoutingPolicy.Combined, Calibration, 0.2);
        Assert.Throws<ArgumentException>(() => router.Decide(new QuerySignals("q", 0.5)));
        Assert.Throws<ArgumentException>(() => router.Decide(new QuerySignals("q", double.NaN, 0.5)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Router.Calibrate(RoutingPolicy.Similarity, Calibration, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => Router.Calibrate(RoutingPolicy.Similarity, Calibration, double.NaN));
        Assert.Throws<ArgumentException>(() => Router.Calibrate(RoutingPolicy.Similarity, [], 0.2));
    }
}
