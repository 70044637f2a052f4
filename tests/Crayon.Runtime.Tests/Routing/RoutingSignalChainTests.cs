using Crayon.Routing;
using NUnit.Framework;

namespace Crayon.Tests.Routing;

/// <summary>Routing signals are objects the scorer composes; each policy names its chain, and a missing signal fails by name.</summary>
public class RoutingSignalChainTests
{
    private static readonly QuerySignals[] Calibration =
    [
        new("a", 0.9, 0.8), new("b", 0.5, 0.1), new("c", 0.7, 0.4), new("d", 0.2, 0.9),
    ];

    [Test]
    public void EachPolicyComposesItsSignals()
    {
        Assert.Multiple(() =>
        {
            Assert.That(RoutingScorer.SignalsOf(RoutingPolicy.Similarity).Select(s => s.Name), Is.EqualTo(new[] { "similarity" }));
            Assert.That(RoutingScorer.SignalsOf(RoutingPolicy.Confidence).Select(s => s.Name), Is.EqualTo(new[] { "confidence" }));
            Assert.That(RoutingScorer.SignalsOf(RoutingPolicy.Combined).Select(s => s.Name), Is.EqualTo(new[] { "similarity", "confidence" }));
            Assert.That(RoutingScorer.SignalsOf(RoutingPolicy.Random).Select(s => s.Name), Is.EqualTo(new[] { "random draw" }));
            Assert.That(Router.Calibrate(RoutingPolicy.Combined, Calibration, 0.5).Signals, Has.Count.EqualTo(2));
            Assert.That(() => RoutingScorer.SignalsOf((RoutingPolicy)42), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("names no routing signals"));
        });
    }

    [Test]
    public void TheScoresAreTheSignalsComposed()
    {
        var query = new QuerySignals("q", 0.6, 0.3);
        var combined = new RoutingScorer(RoutingPolicy.Combined, Calibration);
        Assert.Multiple(() =>
        {
            Assert.That(new RoutingScorer(RoutingPolicy.Similarity, Calibration).Score(query), Is.EqualTo(-0.6));
            Assert.That(new RoutingScorer(RoutingPolicy.Confidence, Calibration).Score(query), Is.EqualTo(-0.3));
            // similarity 0.6: 2 of 4 calibration values at or below (0.2, 0.5); confidence 0.3: 1 of 4 (0.1).
            Assert.That(combined.Score(query), Is.EqualTo(1 - (2.0 / 4 + 1.0 / 4) / 2));
            var random = new RoutingScorer(RoutingPolicy.Random, Calibration, seed: 7);
            Assert.That(random.Score(query), Is.EqualTo(random.Score(query with { Similarity = -0.9 })).And.InRange(0.0, 1.0), "the draw ignores the signals");
            Assert.That(random.Score(query), Is.EqualTo(new Crayon.SeededRandom(Crayon.SeededRandom.Derive(7, "q")).NextDouble()));
        });
    }

    [Test]
    public void AMissingSignalIsRefusedNamingTheSignalAndTheQuery()
    {
        var scorer = new RoutingScorer(RoutingPolicy.Combined, Calibration);
        Assert.Multiple(() =>
        {
            Assert.That(() => scorer.Score(new QuerySignals("unsure", 0.5)),
                Throws.ArgumentException.With.Message.EqualTo("query ('unsure') has no confidence signal, which the Combined policy needs"));
            Assert.That(new RoutingScorer(RoutingPolicy.Similarity, Calibration).Score(new QuerySignals("plain", 0.5)), Is.EqualTo(-0.5),
                "a policy that does not read confidence does not need it");
        });
    }
}
