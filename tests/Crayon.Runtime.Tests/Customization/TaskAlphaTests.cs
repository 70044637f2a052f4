using Crayon.Customization;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

public class TaskAlphaTests
{
    private static readonly float[][] Centroids = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];

    [Test]
    public void MeanEmbeddingIsThePapersSoftmaxOfTheMean()
    {
        float[][] examples = [[1, 0.2f, 0], [0.8f, 0, 0.1f]];
        var options = new AlphaOptions { Temperature = 0.2 };
        var result = TaskAlpha.From(examples, Centroids, e => e, options, ExampleAggregation.MeanEmbedding);
        // By hand: the mean is (0.9, 0.1, 0.05), its length √0.8225, so its cosines to the axes are (0.992372, 0.110264,
        // 0.055132) and softmax(cos / 0.2) = (0.979077, 0.011894, 0.009029). float inputs move these by ~1e-8.
        Assert.That(result.Similarities, Is.EqualTo(new[] { 0.9 / Math.Sqrt(0.8225), 0.1 / Math.Sqrt(0.8225), 0.05 / Math.Sqrt(0.8225) }).Within(1e-6));
        Assert.That(result.Alpha, Is.EqualTo(new[] { 0.9790769024005476, 0.01189439665716602, 0.009028700942286314 }).Within(1e-6));
    }

    [Test]
    public void MeanAlphaWeighsEachAdapterByTheShareOfExamplesNearIt()
    {
        // Three examples on the first axis, one on the second: a sharp softmax gives 3/4 and 1/4.
        float[][] examples = [[1, 0, 0], [1, 0.01f, 0], [1, 0, 0.01f], [0, 1, 0]];
        var result = TaskAlpha.From(examples, Centroids, e => e, new AlphaOptions { Temperature = 0.001 }, ExampleAggregation.MeanAlpha);
        Assert.That(result.Alpha, Is.EqualTo(new[] { 0.75, 0.25, 0.0 }).Within(1e-9));
        // q_c, the mean, is (0.75, 0.2525, 0.0025): its cosines to the axes are each component over its length.
        var length = Math.Sqrt(0.75 * 0.75 + 0.2525 * 0.2525 + 0.0025 * 0.0025);
        Assert.That(result.Similarities, Is.EqualTo(new[] { 0.75 / length, 0.2525 / length, 0.0025 / length }).Within(1e-6), "similarities are q_c's");

        var top1 = TaskAlpha.From(examples, Centroids, e => e, new AlphaOptions { Temperature = 0.001, TopK = 1 }, ExampleAggregation.MeanAlpha);
        Assert.That(top1.Alpha, Is.EqualTo(new[] { 1.0, 0.0, 0.0 }));
    }

    [Test]
    public void TheCentroidSpaceMapIsAppliedToEveryEmbedding()
    {
        float[][] examples = [[11, 10, 10]];
        float[] Center(float[] e) => e.Select(v => v - 10).ToArray();
        var result = TaskAlpha.From(examples, Centroids, Center, new AlphaOptions { Temperature = 0.001 }, ExampleAggregation.MeanAlpha);
        Assert.That(result.Alpha[0], Is.EqualTo(1).Within(1e-9), "after centering the example points along the first axis");
    }

    [Test]
    public void ExamplesCenteredOnThePoolsCenterStillGetMeanAlpha_AndMeanEmbeddingRefusesThemClearly()
    {
        // Two examples symmetric about the center: their mean is the center itself, so q_c has no direction.
        float[][] examples = [[11, 10, 10], [9, 10, 10]];
        float[] Center(float[] e) => e.Select(v => v - 10).ToArray();
        var options = new AlphaOptions { Temperature = 0.001 };

        var result = TaskAlpha.From(examples, Centroids, Center, options, ExampleAggregation.MeanAlpha);
        Assert.That(result.Alpha.Sum(), Is.EqualTo(1).Within(1e-9));
        Assert.That(result.Alpha[0], Is.GreaterThan(0.49), "the example along the first axis still counts");
        Assert.That(result.Similarities, Has.Length.EqualTo(3).And.All.NaN, "q_c's similarities are undefined");

        var refused = Assert.Throws<ArgumentException>(() => TaskAlpha.From(examples, Centroids, Center, options, ExampleAggregation.MeanEmbedding));
        Assert.That(refused!.Message, Does.Contain("mean embedding is the pool's center"));
    }
}
