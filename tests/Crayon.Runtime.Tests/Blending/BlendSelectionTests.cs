using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

public class BlendSelectionTests
{
    [Test]
    public void ConcatTakesLargestMagnitudesFirstWithTiesByIndex()
    {
        float[] weights = [0.2f, -0.7f, 0.7f, 0f, 0.1f];
        Assert.That(BlendSelection.Choose(weights, BlendMode.Concat, 3), Is.EqualTo(new[] { 1, 2, 0 }));
        Assert.That(BlendSelection.Choose(weights, BlendMode.Concat, null), Is.EqualTo(new[] { 1, 2, 0, 4, 3 }));
    }

    [Test]
    public void LinearUsesEveryAdapterInOrder() =>
        Assert.That(BlendSelection.Choose([3f, 0f, -1f], BlendMode.Linear, null), Is.EqualTo(new[] { 0, 1, 2 }));
}
