using Crayon.Customization;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

public class KMeansTests
{
    private static (float[][] Points, int[] Truth) Blobs(int perBlob, long seed, params float[][] centres)
    {
        var random = new SeededRandom(seed);
        var points = new List<float[]>();
        var truth = new List<int>();
        for (var b = 0; b < centres.Length; b++)
            for (var i = 0; i < perBlob; i++)
            {
                points.Add(centres[b].Select(c => c + 0.3f * (float)random.NextGaussian()).ToArray());
                truth.Add(b);
            }
        return (points.ToArray(), truth.ToArray());
    }

    [TestCase(KMeansMetric.Euclidean)]
    [TestCase(KMeansMetric.Cosine)]
    public void RecoversWellSeparatedBlobs(KMeansMetric metric)
    {
        var (points, truth) = Blobs(60, 5, [10, 0, 0], [0, 10, 0], [0, 0, 10], [-10, 0, 0]);
        var result = KMeans.Fit(points, new KMeansOptions(4) { Seed = 1, Metric = metric });

        // Same partition up to label names: every blob maps to one cluster and every cluster to one blob.
        var pairs = truth.Zip(result.Assignments).Distinct().ToArray();
        Assert.That(pairs, Has.Length.EqualTo(4));
        Assert.That(pairs.Select(p => p.Second).Distinct().Count(), Is.EqualTo(4));
        Assert.That(result.ClusterSizes, Is.All.EqualTo(60));
        Assert.That(result.Converged, Is.True);
        if (metric == KMeansMetric.Cosine)
            Assert.That(result.Centroids.Select(c => Math.Sqrt(c.Sum(v => (double)v * v))), Is.All.EqualTo(1).Within(1e-6));
        else
            Assert.That(result.Centroids.Select(c => c.Max(Math.Abs)), Is.All.EqualTo(10).Within(0.2));
    }

    [Test]
    public void TheSameSeedGivesBitIdenticalCentroidsAndOtherSeedsMayNot()
    {
        // Enough points that the assignment step runs in parallel.
        var (points, _) = Blobs(1100, 9, [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]);
        var options = new KMeansOptions(7) { Seed = 12, Metric = KMeansMetric.Euclidean };
        var a = KMeans.Fit(points, options);
        var b = KMeans.Fit(points, options);

        Assert.That(b.Assignments, Is.EqualTo(a.Assignments));
        Assert.That(b.Inertia, Is.EqualTo(a.Inertia));
        for (var c = 0; c < a.Centroids.Length; c++)
            Assert.That(b.Centroids[c].Select(BitConverter.SingleToInt32Bits), Is.EqualTo(a.Centroids[c].Select(BitConverter.SingleToInt32Bits)));
        var other = KMeans.Fit(points, options with { Seed = 13 });
        Assert.That(other.Centroids.SelectMany(c => c), Is.Not.EqualTo(a.Centroids.SelectMany(c => c)));
    }

    [Test]
    public void InertiaIsTheSumOfSquaredDistancesToTheAssignedMeans()
    {
        var (points, _) = Blobs(30, 2, [0, 0], [5, 5], [9, 0]);
        var result = KMeans.Fit(points, new KMeansOptions(3) { Seed = 4, Metric = KMeansMetric.Euclidean });
        double inertia = 0;
        for (var c = 0; c < 3; c++)
        {
            var members = points.Where((_, i) => result.Assignments[i] == c).ToArray();
            var mean = Enumerable.Range(0, 2).Select(d => members.Average(p => (double)p[d])).ToArray();
            Assert.That(result.Centroids[c], Is.EqualTo(mean).Within(1e-5));
            inertia += members.Sum(p => Enumerable.Range(0, 2).Sum(d => Math.Pow(p[d] - mean[d], 2)));
        }
        Assert.That(result.Inertia, Is.EqualTo(inertia).Within(1e-6 * inertia));
    }

    [Test]
    public void DuplicatePointsStillFillEveryCluster()
    {
        // Five distinct points, many copies, and as many clusters as distinct points plus one.
        var distinct = new float[][] { [1, 0], [0, 1], [1, 1], [-1, 0], [0, -1] };
        var points = Enumerable.Range(0, 40).Select(i => distinct[i % 5]).ToArray();
        var result = KMeans.Fit(points, new KMeansOptions(6) { Seed = 3, Metric = KMeansMetric.Euclidean });
        Assert.That(result.ClusterSizes, Is.All.GreaterThan(0));
        Assert.That(result.ClusterSizes.Sum(), Is.EqualTo(40));
        Assert.That(result.Inertia, Is.Zero);
    }

    [Test]
    public void BadInputIsNamed()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => KMeans.Fit([[1, 2], [3, 4]], new KMeansOptions(3)))!.Message,
            Does.Contain("2 points, 3 clusters"));
        Assert.That(Assert.Throws<ArgumentException>(() => KMeans.Fit([[1, 2], [3, float.NaN]], new KMeansOptions(1)))!.Message,
            Does.Contain("point 1 element 1 is NaN"));
        Assert.That(Assert.Throws<ArgumentException>(() => KMeans.Fit([[1, 2], [0, 0]], new KMeansOptions(1) { Metric = KMeansMetric.Cosine }))!.Message,
            Does.Contain("point 1 is the zero vector"));
        Assert.That(Assert.Throws<ArgumentException>(() => KMeans.Fit([[1, 2], [1, 2, 3]], new KMeansOptions(1)))!.Message,
            Does.Contain("point 1 has dimension 3, expected 2"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new KMeansOptions(0));
    }
}
