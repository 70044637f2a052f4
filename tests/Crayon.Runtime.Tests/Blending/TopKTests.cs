using Crayon.Blending;
using Crayon.Customization;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>Top-k order, decided in one place (<see cref="TopK"/>): ties go to the lower index; weights rank by |w|, scores by value.</summary>
public class TopKTests
{
    [Test]
    public void TiesKeepIndexOrderInBothOrders()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TopK.Largest([0.5, 0.9, 0.9, 0.1, 0.9], 3), Is.EqualTo(new[] { 1, 2, 4 }));
            Assert.That(TopK.Largest([0.5, 0.9, 0.9, 0.1, 0.9], 2), Is.EqualTo(new[] { 1, 2 }));
            Assert.That(TopK.LargestMagnitude([0.25f, -0.5f, 0.5f, 0.5f], 2), Is.EqualTo(new[] { 1, 2 }), "|−0.5| ties 0.5: the lower index first");
            Assert.That(TopK.LargestMagnitude([0f, 0f, 0f], 3), Is.EqualTo(new[] { 0, 1, 2 }));
        });
    }

    [Test]
    public void WeightsRankByMagnitudeAndScoresByValue()
    {
        Assert.Multiple(() =>
        {
            // A weight of −0.9 subtracts an adapter as strongly as 0.9 adds one: it is kept before 0.3.
            Assert.That(TopK.LargestMagnitude([0.3f, -0.9f, 0.1f], 2), Is.EqualTo(new[] { 1, 0 }));
            // A similarity of −0.9 is the least similar centroid: it goes last.
            Assert.That(TopK.Largest([0.3, -0.9, 0.1], 2), Is.EqualTo(new[] { 0, 2 }));
            Assert.That(TopK.Largest([0.3, -0.9, 0.1], 3), Is.EqualTo(new[] { 0, 2, 1 }));
        });
    }

    [Test]
    public void ForSoftmaxAlphaBothOrdersAgreeWithTheSimilaritiesOrder()
    {
        double[] similarities = [0.2, -0.4, 0.7, 0.7, 0.05, -0.1];
        var alpha = BlendAlpha.FromSimilarities(similarities, new AlphaOptions { Temperature = 0.5 });
        Assert.That(alpha, Is.All.GreaterThan(0));
        var bySimilarity = TopK.Largest(similarities, 4);
        Assert.Multiple(() =>
        {
            Assert.That(TopK.Largest(alpha, 4), Is.EqualTo(bySimilarity));
            Assert.That(TopK.LargestMagnitude(alpha.Select(a => (float)a).ToArray(), 4), Is.EqualTo(bySimilarity));
            Assert.That(BlendSelection.Choose(alpha.Select(a => (float)a).ToArray(), BlendRecipe.Concat, 4), Is.EqualTo(bySimilarity),
                "the adapters concat stacks are alpha's top-k");
            var topAlpha = BlendAlpha.FromSimilarities(similarities, new AlphaOptions { Temperature = 0.5, TopK = 2 });
            Assert.That(topAlpha.Select((a, i) => (a, i)).Where(t => t.a > 0).Select(t => t.i), Is.EqualTo(new[] { 2, 3 }), "the tie at 0.7 keeps both, by index");
        });
    }

    [Test]
    public void ConcatStacksTheLargestMagnitudesOfNegativeWeightsFirst()
    {
        float[] weights = [0.1f, -0.8f, 0.4f, -0.4f];
        Assert.Multiple(() =>
        {
            Assert.That(BlendSelection.Choose(weights, BlendRecipe.Concat, 3), Is.EqualTo(new[] { 1, 2, 3 }));
            Assert.That(BlendSelection.Choose(weights, BlendRecipe.Linear, null), Is.EqualTo(new[] { 0, 1, 2, 3 }), "linear uses every adapter in order");
        });
    }

    [Test]
    public void BadKOrNaNIsRefusedByName()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => TopK.Largest([0.1, 0.2], 3), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("between 1 and 2"));
            Assert.That(() => TopK.LargestMagnitude([0.1f], 0), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => TopK.Largest([0.1, double.NaN], 1), Throws.ArgumentException.With.Message.Contains("value 1 is NaN"));
            Assert.That(() => TopK.LargestMagnitude([float.NaN], 1), Throws.ArgumentException.With.Message.Contains("weight 0 is NaN"));
        });
    }
}
