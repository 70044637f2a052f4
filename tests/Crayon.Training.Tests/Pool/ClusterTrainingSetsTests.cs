using Crayon.Customization;
using Crayon.Pool.Building;
using NUnit.Framework;

namespace Crayon.Tests.Pool;

public class ClusterTrainingSetsTests
{
    [Test]
    public void ASmallClusterBorrowsTheExamplesNearestToItsCentroid()
    {
        // Two big clusters along x and y, and a one-point cluster along z; the points nearest to z lean towards it.
        var points = new List<float[]>();
        for (var i = 0; i < 10; i++) points.Add([1, 0.01f * i, 0.05f * i]);
        for (var i = 0; i < 10; i++) points.Add([0.01f * i, 1, 0]);
        points.Add([0, 0, 1]);
        var clusters = KMeans.Fit(points, new KMeansOptions(3) { Seed = 3 });
        var small = Array.IndexOf(clusters.ClusterSizes, 1);
        Assert.That(small, Is.GreaterThanOrEqualTo(0), "setup: k-means put the lone point in its own cluster");

        var sets = ClusterTrainingSets.Choose(points, clusters, minimum: 4);

        Assert.That(sets[small].Members, Is.EqualTo(new[] { 20 }));
        Assert.That(sets[small].TopUp, Is.EqualTo(new[] { 9, 8, 7 }), "the x points with the largest z, nearest first");
        Assert.That(sets.Where((_, c) => c != small).Select(s => s.TopUp.Count), Is.All.Zero, "big clusters borrow nothing");
        Assert.That(sets.Where((_, c) => c != small).Sum(s => s.Members.Count), Is.EqualTo(20));
    }

    [Test]
    public void AMinimumAboveTheDataTakesEveryOtherExample()
    {
        float[][] points = [[1, 0], [0.9f, 0.1f], [0, 1]];
        var clusters = KMeans.Fit(points, new KMeansOptions(2) { Seed = 1 });
        var sets = ClusterTrainingSets.Choose(points, clusters, minimum: 10);
        Assert.That(sets.Select(s => s.Count), Is.All.EqualTo(3));
    }
}
