using Crayon.Routing;
using NUnit.Framework;

namespace Crayon.Tests.Routing;

public class RoutingSignalsTests
{
    [Test]
    public void TheMarginIsTheGapBetweenTheTwoMostLikelyChoices()
    {
        Assert.That(RoutingSignals.ChoiceMargin([Math.Log(0.1), Math.Log(0.7), Math.Log(0.2)]), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(RoutingSignals.ChoiceMargin([-2, -2]), Is.Zero);
        Assert.That(RoutingSignals.ChoiceMargin([-1, -1, -50]), Is.EqualTo(0).Within(1e-12), "a tie at the top is no confidence");
        Assert.That(RoutingSignals.ChoiceMargin([0, -100]), Is.EqualTo(1).Within(1e-12));
    }

    [Test]
    public void LeaveOneOutSimilarityLeavesTheExampleOutOfItsOwnMean()
    {
        float[][] axes = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
        Assert.That(RoutingSignals.LeaveOneOutSimilarities(axes), Is.EqualTo(new[] { 0.0, 0.0, 0.0 }).Within(1e-7));
        Assert.That(RoutingSignals.Similarity(axes[0], Crayon.Customization.MeanEmbedding.Of(axes)), Is.EqualTo(1 / Math.Sqrt(3)).Within(1e-7), "what q_c itself would say");
        Assert.That(RoutingSignals.LeaveOneOutSimilarities([[1, 0], [1, 1]]), Is.EqualTo(new[] { Math.Sqrt(0.5), Math.Sqrt(0.5) }).Within(1e-7));
        Assert.Throws<ArgumentException>(() => RoutingSignals.LeaveOneOutSimilarities([[1, 0]]));
    }

    [Test]
    public void SignalsRejectWhatTheyCannotMeasure()
    {
        Assert.Throws<ArgumentException>(() => RoutingSignals.ChoiceMargin([-1]));
        Assert.Throws<ArgumentException>(() => RoutingSignals.ChoiceMargin([-1, double.NegativeInfinity]));
        Assert.Throws<ArgumentOutOfRangeException>(() => RoutingSignals.MeanTokenLogProb(-3, 0));
        Assert.That(RoutingSignals.MeanTokenLogProb(-3, 4), Is.EqualTo(-0.75));
        Assert.That(Assert.Throws<ArgumentException>(() => RoutingSignals.Similarity([1, 2], [1, 2, 3]))!.Message,
            Does.Contain("task embedding q_c has dimension 3, expected 2"));
        Assert.That(RoutingSignals.Similarity([1, 0], [0, 2]), Is.EqualTo(0).Within(1e-15));
    }
}
