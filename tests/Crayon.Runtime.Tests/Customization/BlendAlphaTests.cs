using Crayon.Customization;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

public class BlendAlphaTests
{
    private static readonly Gen<double[]> Similarities =
        Gen.Choose(-1000, 1000).Select(i => i / 1000.0).ArrayOf().Where(a => a.Length is > 0 and <= 40);

    private static readonly Gen<double> Temperatures = Gen.Elements(0.01, 0.05, 0.1, 0.5, 1.0, 10.0);

    [Test]
    public void AlphaIsADistributionThatRanksLikeTheSimilarities()
    {
        Prop.ForAll(Similarities.Zip(Temperatures).ToArbitrary(), c =>
        {
            var (s, tau) = c;
            var alpha = BlendAlpha.FromSimilarities(s, new AlphaOptions { Temperature = tau });
            var ordered = Enumerable.Range(0, s.Length).All(i => Enumerable.Range(0, s.Length).All(j => s[i] <= s[j] || alpha[i] >= alpha[j]));
            return Math.Abs(alpha.Sum() - 1) < 1e-12 && alpha.All(a => a >= 0 && double.IsFinite(a)) && ordered;
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Test]
    public void TopKKeepsExactlyKRenormalisedAndTheRestZero()
    {
        var cases = Similarities.SelectMany(s => Gen.Choose(1, s.Length).Select(k => (s, k))).Zip(Temperatures);
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var ((s, k), tau) = c;
            var alpha = BlendAlpha.FromSimilarities(s, new AlphaOptions { Temperature = tau, TopK = k });
            var kept = Crayon.Blending.TopK.Largest(s, k);
            var full = BlendAlpha.FromSimilarities(s, new AlphaOptions { Temperature = tau });
            var keptMass = kept.Sum(i => full[i]);
            return alpha.Count(a => a > 0) == k                       // exp never underflows within tau ≥ 0.01 and |s| ≤ 1
                && kept.All(i => alpha[i] > 0)
                && Math.Abs(alpha.Sum() - 1) < 1e-12
                && kept.All(i => Math.Abs(alpha[i] - full[i] / keptMass) < 1e-9); // the same softmax, renormalised
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    [Test]
    public void TiesAtTheTopKBoundaryGoToTheLowerIndex()
    {
        var alpha = BlendAlpha.FromSimilarities([0.2, 0.5, 0.5, 0.5, 0.1], new AlphaOptions { TopK = 2 });
        Assert.That(alpha, Is.EqualTo(new[] { 0, 0.5, 0.5, 0, 0 }));
    }

    [Test]
    public void ASmallTemperaturePicksTheMostSimilarAdapter()
    {
        var alpha = BlendAlpha.FromSimilarities([0.1, 0.9, 0.3], new AlphaOptions { Temperature = 1e-3 });
        Assert.That(alpha[1], Is.EqualTo(1).Within(1e-12));
        Assert.That(BlendAlpha.FromSimilarities([0.1, 0.9, 0.3], new AlphaOptions { Temperature = 1e6 }),
            Is.EqualTo(BlendAlpha.Uniform(3)).Within(1e-6));
    }

    [Test]
    public void FromEmbeddingReturnsTheSimilaritiesItUsed()
    {
        var result = BlendAlpha.FromEmbedding([1, 0], [[1, 0], [0, 1], [-1, 0]], new AlphaOptions { Temperature = 1 });
        Assert.That(result.Similarities, Is.EqualTo(new[] { 1.0, 0.0, -1.0 }).Within(1e-12));
        var expected = new[] { Math.E, 1, 1 / Math.E }.Select(v => v / (Math.E + 1 + 1 / Math.E));
        Assert.That(result.Alpha, Is.EqualTo(expected).Within(1e-12));
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void TheTemperatureMustBePositiveAndFinite(double tau)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BlendAlpha.FromSimilarities([0.1, 0.2], new AlphaOptions { Temperature = tau }))!;
        Assert.That(error.Message, Does.Contain("temperature tau"));
    }

    [TestCase(0)]
    [TestCase(3)]
    public void TopKMustBeWithinTheAdapterCount(int k)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => BlendAlpha.FromSimilarities([0.1, 0.2], new AlphaOptions { TopK = k }))!;
        Assert.That(error.Message, Does.Contain("between 1 and the number of adapters (2)"));
    }

    [Test]
    public void NonFiniteSimilaritiesAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => BlendAlpha.FromSimilarities([0.1, double.NaN]))!;
        Assert.That(error.Message, Does.Contain("similarity 1 is NaN"));
        Assert.Throws<ArgumentException>(() => BlendAlpha.FromSimilarities([]));
    }
}
