using Crayon.Customization;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

public class SimplexSearchTests
{
    [Test]
    public void FindsTheMinimumOfAConvexFunctionInsideTheSimplex()
    {
        double[] target = [0.5, 0.2, 0.15, 0.1, 0.05];
        var result = SimplexSearch.Minimize(a => a.Select((v, i) => (v - target[i]) * (v - target[i])).Sum(), 5,
            new SimplexSearchOptions { Seed = 1, MaxEvaluations = 1500 });

        Assert.That(result.BestAlpha, Is.EqualTo(target).Within(0.01));
        Assert.That(result.BestValue, Is.LessThan(1e-4));
        Assert.That(result.BestValue, Is.LessThan(result.StartValue));
        Assert.That(result.BestAlpha.Sum(), Is.EqualTo(1).Within(1e-12));
    }

    [Test]
    public void ALinearObjectiveDrivesTheWeightToTheBestVertex()
    {
        double[] cost = [3, 1, 2, 5, 4, 2.5, 3.5, 1.5];
        var result = SimplexSearch.Minimize(a => a.Select((v, i) => v * cost[i]).Sum(), cost.Length,
            new SimplexSearchOptions { Seed = 2, MaxEvaluations = 600 });
        Assert.That(result.BestAlpha[1], Is.GreaterThan(0.95));
    }

    [Test]
    public void CountsEveryEvaluationStaysInBudgetAndStartsAtTheStart()
    {
        var calls = 0;
        double[]? first = null;
        double[] start = [0.7, 0.1, 0.1, 0.1, 0.0, 0.0];
        var result = SimplexSearch.Minimize(a => { first ??= a; calls++; return a[0]; }, 6,
            new SimplexSearchOptions { Seed = 3, MaxEvaluations = 50, Start = start });

        Assert.That(result.Evaluations, Is.EqualTo(calls));
        Assert.That(calls, Is.EqualTo(50));
        Assert.That(first, Is.EqualTo(new[] { 0.7, 0.1, 0.1, 0.1, 0, 0 }).Within(1e-3), "zero start weights become tiny, not impossible");
        Assert.That(result.StartValue, Is.EqualTo(first![0]));
        Assert.That(result.BestSoFar, Has.Count.EqualTo(calls));
        Assert.That(result.BestSoFar, Is.Ordered.Descending);
        Assert.That(result.BestSoFar[^1], Is.EqualTo(result.BestValue));
        Assert.That(result.ObjectiveTime, Is.LessThanOrEqualTo(result.Elapsed));
        Assert.That(result.Generations, Is.GreaterThan(0));
    }

    [Test]
    public void TheSameSeedRepeatsTheSearchExactly()
    {
        static double Rosen(double[] a) => Enumerable.Range(0, a.Length - 1).Sum(i => 100 * Math.Pow(a[i + 1] - a[i] * a[i], 2) + Math.Pow(1 - a[i], 2));
        var options = new SimplexSearchOptions { Seed = 9, MaxEvaluations = 120 };
        var a = SimplexSearch.Minimize(Rosen, 10, options);
        var b = SimplexSearch.Minimize(Rosen, 10, options);
        var c = SimplexSearch.Minimize(Rosen, 10, options with { Seed = 10 });
        Assert.That(b.BestAlpha, Is.EqualTo(a.BestAlpha));
        Assert.That(b.BestSoFar, Is.EqualTo(a.BestSoFar));
        Assert.That(c.BestSoFar, Is.Not.EqualTo(a.BestSoFar));
    }

    [Test]
    public void NonFiniteValuesRankLastAndAreCounted()
    {
        var result = SimplexSearch.Minimize(a => a[0] > 0.3 ? double.NaN : -a[1], 3, new SimplexSearchOptions { Seed = 4, MaxEvaluations = 200 });
        Assert.That(result.NonFiniteEvaluations, Is.GreaterThan(0));
        Assert.That(double.IsFinite(result.BestValue));
        Assert.That(result.BestAlpha[0], Is.LessThanOrEqualTo(0.3));
        Assert.That(result.BestAlpha[1], Is.GreaterThan(0.8));
    }

    [Test]
    public void AnObjectiveWithNoFiniteValueIsAnError()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            SimplexSearch.Minimize(_ => double.PositiveInfinity, 4, new SimplexSearchOptions { MaxEvaluations = 30 }))!;
        Assert.That(error.Message, Does.Contain("no finite value in 30 evaluation(s)"));
    }

    [Test]
    public void OneAdapterNeedsOneEvaluation()
    {
        var result = SimplexSearch.Minimize(a => a[0], 1);
        Assert.That(result.BestAlpha, Is.EqualTo(new[] { 1.0 }));
        Assert.That(result.Evaluations, Is.EqualTo(1));
    }

    [Test]
    public void BadOptionsAreNamed()
    {
        static double F(double[] a) => a[0];
        Assert.Throws<ArgumentOutOfRangeException>(() => SimplexSearch.Minimize(F, 3, new SimplexSearchOptions { MaxEvaluations = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimplexSearch.Minimize(F, 3, new SimplexSearchOptions { InitialStep = double.NaN }));
        Assert.That(Assert.Throws<ArgumentException>(() => SimplexSearch.Minimize(F, 3, new SimplexSearchOptions { Start = [1, 0] }))!.Message,
            Does.Contain("start alpha has 2 weights, the search has 3 dimensions"));
        Assert.That(Assert.Throws<ArgumentException>(() => SimplexSearch.Minimize(F, 2, new SimplexSearchOptions { Start = [1, -1] }))!.Message,
            Does.Contain("weight 1 is -1"));
        Assert.Throws<ArgumentException>(() => SimplexSearch.Minimize(F, 2, new SimplexSearchOptions { Start = [0, 0] }));
    }
}
