using Crayon.Customization;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

/// <summary>The guard's candidate kinds: what alpha each blends, what scale it goes live at, and a kind nobody handles.</summary>
public class GuardChoiceTests
{
    private static readonly double[] Peaked = [0.9, 0.1, 0, 0];

    private static double[] Even(int count) => Enumerable.Repeat(1.0 / count, count).ToArray();

    [Test]
    public void TowardUniformKeepsATopKAlphasAdapters()
    {
        double[] topTwo = [0.7, 0, 0.3, 0];
        var alpha = GuardChoice.TowardUniform(0.5).AlphaFrom(topTwo, AlphaOptions.Default with { TopK = 2 }, Even(4), _ => throw new AssertionException("smoothing needs no refit"));
        Assert.That(alpha, Is.EqualTo(new[] { 0.6, 0, 0.4, 0 }).Within(1e-12), "0.5 · alpha + 0.5 · 1/2 on the top-2 adapters, 0 elsewhere");
    }

    [Test]
    public void TowardUniformMixesAlphaWithEqualWeights()
    {
        var alpha = GuardChoice.TowardUniform(0.5).AlphaFrom(Peaked, AlphaOptions.Default, Even(4), _ => throw new AssertionException("smoothing needs no refit"));
        Assert.Multiple(() =>
        {
            Assert.That(alpha, Is.EqualTo(new[] { 0.575, 0.175, 0.125, 0.125 }).Within(1e-12), "0.5 · alpha + 0.5 · 1/4");
            Assert.That(alpha.Sum(), Is.EqualTo(1).Within(1e-12));
            Assert.That(GuardChoice.TowardUniform(0.5).Scale, Is.EqualTo(1));
            Assert.That(GuardChoice.TowardUniform(0.5).Name, Is.EqualTo("uniform-0.5"));
        });
    }

    [Test]
    public void TowardPriorMixesAlphaWithThePoolsPrior()
    {
        double[] prior = [0.1, 0.2, 0.3, 0.4];
        var alpha = GuardChoice.TowardPrior(0.5).AlphaFrom(Peaked, AlphaOptions.Default, prior, _ => throw new AssertionException("smoothing needs no refit"));
        Assert.Multiple(() =>
        {
            Assert.That(alpha, Is.EqualTo(new[] { 0.5, 0.15, 0.15, 0.2 }).Within(1e-12), "0.5 · alpha + 0.5 · prior");
            Assert.That(GuardChoice.TowardPrior(0.5).Scale, Is.EqualTo(1));
            Assert.That(GuardChoice.TowardPrior(0.25).Name, Is.EqualTo("prior-0.75"));
            Assert.That(GuardChoice.TowardPrior(0.5).Describe(), Is.EqualTo("alpha 0.5 toward the pool's prior"));
        });
    }

    [Test]
    public void TowardPriorKeepsATopKAlphasAdaptersWithThePriorRenormalizedOverThem()
    {
        double[] topTwo = [0.7, 0, 0.3, 0];
        double[] prior = [0.1, 0.2, 0.3, 0.4];
        var alpha = GuardChoice.TowardPrior(0.5).AlphaFrom(topTwo, AlphaOptions.Default with { TopK = 2 }, prior, _ => throw new AssertionException("no refit"));
        Assert.That(alpha, Is.EqualTo(new[] { 0.35 + 0.5 * 0.25, 0, 0.15 + 0.5 * 0.75, 0 }).Within(1e-12), "the prior over adapters 0 and 2 is 0.25, 0.75");
    }

    [TestCase(new[] { 0.5, 0.5 }, "the prior has 2 weights; alpha has 4")]
    [TestCase(new[] { 0.5, double.NaN, 0, 0.5 }, "prior[1] is NaN")]
    [TestCase(new[] { 0.5, double.PositiveInfinity, 0, 0.5 }, "prior[1] is Infinity")]
    [TestCase(new[] { 0.5, -0.1, 0, 0.6 }, "prior[1] is -0.1")]
    [TestCase(new[] { 0, 0, 0, 0.0 }, "sum to 0")]
    [TestCase(new[] { 1e308, 1e308, 0, 0 }, "sum to Infinity")]
    public void APriorThatCannotBeSmoothedTowardIsRefusedNamingWhy(double[] prior, string expected) =>
        Assert.That(Assert.Throws<ArgumentException>(() => GuardChoice.TowardPrior(0.5).AlphaFrom(Peaked, AlphaOptions.Default, prior, _ => Peaked))!.Message,
            Does.Contain(expected));

    [Test]
    public void OnlyTheCandidateTowardThePriorReadsThePrior() =>
        Assert.That(GuardChoice.TowardUniform(0.5).AlphaFrom(Peaked, AlphaOptions.Default, [], _ => Peaked), Is.EqualTo(new[] { 0.575, 0.175, 0.125, 0.125 }));

    [Test]
    public void TowardUniformIsBitForBitTheFormulaItHadBeforeThePrior()
    {
        double[] alpha = [0.31, 0.07, 0.6, 0.02, 0, 0, 0];
        var all = GuardChoice.TowardUniform(0.3).AlphaFrom(alpha, AlphaOptions.Default, Even(7), _ => alpha);
        var top3 = GuardChoice.TowardUniform(0.3).AlphaFrom(alpha, AlphaOptions.Default with { TopK = 3 }, Even(7), _ => alpha);
        Assert.Multiple(() =>
        {
            Assert.That(all, Is.EqualTo(alpha.Select(a => 0.3 * a + (1 - 0.3) / 7)), "λ·a + (1 − λ)/N, exactly");
            Assert.That(top3, Is.EqualTo(new[] { 0.3 * 0.31 + (1 - 0.3) / 3, 0.3 * 0.07 + (1 - 0.3) / 3, 0.3 * 0.6 + (1 - 0.3) / 3, 0, 0, 0, 0 }),
                "λ·a + (1 − λ)/k on the top k, exactly");
        });
    }

    [Test]
    public void TemperedRefitsAtTheOptionsTemperatureTimesTheFactorKeepingTheRest()
    {
        AlphaOptions? asked = null;
        var options = new AlphaOptions { Temperature = 0.01, TopK = 3, Hub = HubCorrection.CentroidMean };
        var alpha = GuardChoice.Tempered(4).AlphaFrom(Peaked, options, Even(4), o => { asked = o; return [0.4, 0.3, 0.3, 0]; });
        Assert.Multiple(() =>
        {
            Assert.That(alpha, Is.EqualTo(new[] { 0.4, 0.3, 0.3, 0 }), "the refit's alpha");
            Assert.That(asked, Is.EqualTo(options with { Temperature = 0.04 }), "tau × 4, top-k and hub as they were");
            Assert.That(GuardChoice.Tempered(4).Describe(), Is.EqualTo("alpha at tau ×4"));
        });
    }

    [Test]
    public void ScaledKeepsAlphaAndGoesLiveAtItsScale()
    {
        Assert.Multiple(() =>
        {
            Assert.That(GuardChoice.Scaled(0.25).AlphaFrom(Peaked, AlphaOptions.Default, Even(4), _ => throw new AssertionException("no refit")), Is.SameAs(Peaked));
            Assert.That(GuardChoice.Scaled(0.25).Scale, Is.EqualTo(0.25));
            Assert.That(GuardChoice.NoAdapter.Describe(), Is.EqualTo("no adapter"));
            Assert.That(GuardChoice.Blend.Describe(), Is.EqualTo("the blend"));
        });
    }

    [Test]
    public void AnUnknownKindFailsLoudlyInsteadOfActingAsTheBlend()
    {
        var unknown = new GuardChoice((GuardCandidateKind)42, 1);
        var alpha = Assert.Throws<InvalidOperationException>(() => unknown.AlphaFrom(Peaked, AlphaOptions.Default, Even(4), _ => Peaked))!;
        Assert.Multiple(() =>
        {
            Assert.That(alpha.Message, Does.Contain("unknown guard candidate kind 42").And.Contain("Scaled, TowardUniform, Tempered, TowardPrior"));
            Assert.Throws<InvalidOperationException>(() => _ = unknown.Scale);
            Assert.Throws<InvalidOperationException>(() => unknown.Describe());
        });
    }

    [TestCase(GuardCandidateKind.Scaled, 1.5)]
    [TestCase(GuardCandidateKind.Scaled, -0.1)]
    [TestCase(GuardCandidateKind.TowardUniform, 0)]
    [TestCase(GuardCandidateKind.TowardUniform, 1)]
    [TestCase(GuardCandidateKind.TowardPrior, 0)]
    [TestCase(GuardCandidateKind.TowardPrior, 1)]
    [TestCase(GuardCandidateKind.Tempered, 1)]
    [TestCase(GuardCandidateKind.Tempered, double.PositiveInfinity)]
    public void OutOfRangeValuesAreRejectedByTheOptions(GuardCandidateKind kind, double value)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new GuardOptions { Candidates = [GuardChoice.NoAdapter, new GuardChoice(kind, value)] }.Validate())!;
        Assert.That(error.ParamName, Is.EqualTo("Value"));
    }

    [Test]
    public void TheDefaultCandidatesAreNoAdapterTheBlendAndAlphaHalfwayToThePrior() =>
        Assert.That(new GuardOptions().Candidates, Is.EqualTo(new[] { GuardChoice.NoAdapter, GuardChoice.Blend, GuardChoice.TowardPrior(0.5) }),
            "the guard ablation's choice on validation items (benchmarks/results/customize-ablation-guard-quick-*.md)");

    [Test]
    public void TheOptionsRejectAnUnknownKindAndARepeatedCandidate()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<InvalidOperationException>(() => new GuardOptions { Candidates = [new GuardChoice((GuardCandidateKind)7, 1)] }.Validate());
            Assert.That(Assert.Throws<ArgumentException>(() => new GuardOptions { Candidates = [GuardChoice.Tempered(4), GuardChoice.Tempered(4)] }.Validate())!.Message,
                Does.Contain("repeat"));
            Assert.That(new GuardOptions { Candidates = [GuardChoice.NoAdapter, GuardChoice.TowardUniform(0.5)] }.Scales, Is.EqualTo(new[] { 0.0 }), "Scales reads the scaled candidates");
        });
    }
}
