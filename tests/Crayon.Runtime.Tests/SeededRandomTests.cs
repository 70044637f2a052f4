using NUnit.Framework;

namespace Crayon.Tests;

public class SeededRandomTests
{
    [Test]
    public void EqualSeedsGiveEqualStreamsAndDifferentSeedsDiffer()
    {
        ulong[] Draw(long seed) { var r = new SeededRandom(seed); return Enumerable.Range(0, 16).Select(_ => r.NextUInt64()).ToArray(); }
        Assert.That(Draw(5), Is.EqualTo(Draw(5)));
        Assert.That(Draw(5), Is.Not.EqualTo(Draw(6)));
        Assert.That(Draw(0).Distinct().Count(), Is.EqualTo(16), "seed 0 is not a degenerate all-zero state");
    }

    [Test]
    public void DerivedSeedsDependOnSeedAndLabelOnly()
    {
        Assert.That(SeededRandom.Derive(1, "siqa"), Is.EqualTo(SeededRandom.Derive(1, "siqa")));
        Assert.That(SeededRandom.Derive(1, "siqa"), Is.Not.EqualTo(SeededRandom.Derive(1, "csqa")));
        Assert.That(SeededRandom.Derive(1, "siqa"), Is.Not.EqualTo(SeededRandom.Derive(2, "siqa")));
    }

    [Test]
    public void IntegersAreInRangeAndRoughlyUniform()
    {
        var r = new SeededRandom(11);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++) counts[r.NextInt(7)]++;
        // chi-square with 6 degrees of freedom; 22.5 is the 0.999 quantile
        var chi = counts.Sum(c => Math.Pow(c - 10_000, 2) / 10_000);
        Assert.That(chi, Is.LessThan(22.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => r.NextInt(0));
    }

    [Test]
    public void PermutationsArePermutations()
    {
        var p = new SeededRandom(3).Permutation(1000);
        Assert.That(p.Order(), Is.EqualTo(Enumerable.Range(0, 1000)));
        Assert.That(p, Is.Not.EqualTo(Enumerable.Range(0, 1000)));
    }

    [Test]
    public void GaussiansHaveUnitMoments()
    {
        var r = new SeededRandom(8);
        var x = Enumerable.Range(0, 20_000).Select(_ => r.NextGaussian()).ToArray();
        Assert.That(x.Average(), Is.EqualTo(0).Within(0.03));
        Assert.That(x.Average(v => v * v), Is.EqualTo(1).Within(0.04));
    }
}
