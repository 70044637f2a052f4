using Crayon.Customization;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

/// <summary>
/// The hub corrections against a case worked by hand: centroids (1,0), (0,1) and (1,2), the last a hub (its cosines to the
/// others, 1/√5 and 2/√5, are the largest), and a query (1,1). Expected values are the closed forms, not the code's output.
/// </summary>
public class HubCorrectionTests
{
    private static readonly float[][] Centroids = [[1, 0], [0, 1], [1, 2]];
    private static readonly float[] Query = [1, 1];

    [Test]
    public void EachCentroidsStatisticsAreItsCosinesToTheOtherCentroids()
    {
        var (mean, spread) = HubCorrectedSimilarity.CentroidStatistics(Centroids);
        // c0: cosines 0 and 1/√5; c1: 0 and 2/√5; c2: 1/√5 and 2/√5. Sample standard deviation of two values a, b: |a − b| / √2.
        Assert.That(mean, Is.EqualTo(new[] { 0.5 / Math.Sqrt(5), 1 / Math.Sqrt(5), 1.5 / Math.Sqrt(5) }).Within(1e-12));
        Assert.That(spread, Is.EqualTo(new[] { 1 / Math.Sqrt(10), 2 / Math.Sqrt(10), 1 / Math.Sqrt(10) }).Within(1e-12));
    }

    [Test]
    public void TheCorrectionsTakeTheHubsHeadStartAway()
    {
        var raw = CosineSimilarity.ToEach(Query, Centroids);
        Assert.That(raw, Is.EqualTo(new[] { 1 / Math.Sqrt(2), 1 / Math.Sqrt(2), 3 / Math.Sqrt(10) }).Within(1e-12));

        var mean = HubCorrectedSimilarity.Scores(raw, Centroids, HubCorrection.CentroidMean);
        Assert.That(mean, Is.EqualTo(new[] { 1 / Math.Sqrt(2) - 0.5 / Math.Sqrt(5), 1 / Math.Sqrt(2) - 1 / Math.Sqrt(5), 3 / Math.Sqrt(10) - 1.5 / Math.Sqrt(5) }).Within(1e-12));

        // (s − μ) / σ in closed form: √5 − √2/2, √5/2 − √2/2, 3 − 3√2/2.
        var z = HubCorrectedSimilarity.Scores(raw, Centroids, HubCorrection.CentroidZScore);
        Assert.That(z, Is.EqualTo(new[] { Math.Sqrt(5) - Math.Sqrt(2) / 2, Math.Sqrt(5) / 2 - Math.Sqrt(2) / 2, 3 - 3 * Math.Sqrt(2) / 2 }).Within(1e-12));

        Assert.That(HubCorrectedSimilarity.Scores(raw, Centroids, HubCorrection.None), Is.EqualTo(raw));
    }

    [Test]
    public void AlphaFollowsTheCorrectedScoresAndReportsTheRawSimilarities()
    {
        var sharp = new AlphaOptions { Temperature = 0.001 };
        var plain = BlendAlpha.FromEmbedding(Query, Centroids, sharp);
        var corrected = BlendAlpha.FromEmbedding(Query, Centroids, sharp with { Hub = HubCorrection.CentroidZScore });
        Assert.Multiple(() =>
        {
            Assert.That(plain.Alpha[2], Is.EqualTo(1).Within(1e-9), "raw cosines: the hub (1,2) is nearest");
            Assert.That(corrected.Alpha[0], Is.EqualTo(1).Within(1e-9), "z-scores: (1,0), the query's most unusual closeness");
            Assert.That(corrected.Similarities, Is.EqualTo(plain.Similarities), "reported similarities stay the raw cosines");
        });
    }

    [Test]
    public void OneCentroidHasNothingToBeComparedWithAndIsLeftAsItIs()
    {
        var (mean, spread) = HubCorrectedSimilarity.CentroidStatistics([[3f, 4f]]);
        Assert.That((mean[0], spread[0]), Is.EqualTo((0.0, 1.0)));
        Assert.That(BlendAlpha.FromEmbedding(Query, [[3f, 4f]], new AlphaOptions { Hub = HubCorrection.CentroidZScore }).Alpha, Is.EqualTo(new[] { 1.0 }));
    }

    [Test]
    public void AnUnknownCorrectionIsRefusedByName()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BlendAlpha.FromSimilarities([0.1, 0.2], new AlphaOptions { Hub = (HubCorrection)7 }))!;
        Assert.That(e.Message, Does.Contain("hub correction"));
    }
}
