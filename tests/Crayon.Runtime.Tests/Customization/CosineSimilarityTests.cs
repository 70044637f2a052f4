using Crayon.Customization;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

public class CosineSimilarityTests
{
    [Test]
    public void KnownAngles()
    {
        Assert.That(CosineSimilarity.Between([1, 0], [0, 3]), Is.EqualTo(0).Within(1e-15));
        Assert.That(CosineSimilarity.Between([1, 1], [2, 2]), Is.EqualTo(1).Within(1e-15));
        Assert.That(CosineSimilarity.Between([1, 0], [-5, 0]), Is.EqualTo(-1).Within(1e-15));
        Assert.That(CosineSimilarity.Between([1, 0], [1, 1]), Is.EqualTo(Math.Sqrt(0.5)).Within(1e-7));
    }

    [Test]
    public void MismatchesNonFiniteAndZeroVectorsAreNamed()
    {
        float[] q = [1, 2, 3];
        var dims = Assert.Throws<ArgumentException>(() => CosineSimilarity.ToEach(q, [[1, 2, 3], [1, 2]]))!;
        Assert.That(dims.Message, Does.Contain("centroid 1 has dimension 2, expected 3"));
        var query = Assert.Throws<ArgumentException>(() => CosineSimilarity.ToEach([1, 2], [[1, 2, 3]]))!;
        Assert.That(query.Message, Does.Contain("query embedding has dimension 2, expected 3"));
        var nan = Assert.Throws<ArgumentException>(() => CosineSimilarity.ToEach([1, float.NaN, 3], [[1, 2, 3]]))!;
        Assert.That(nan.Message, Does.Contain("query embedding element 1 is NaN"));
        var inf = Assert.Throws<ArgumentException>(() => CosineSimilarity.ToEach(q, [[1, 2, float.PositiveInfinity]]))!;
        Assert.That(inf.Message, Does.Contain("centroid 0 element 2"));
        var zero = Assert.Throws<ArgumentException>(() => CosineSimilarity.ToEach(q, [[0, 0, 0]]))!;
        Assert.That(zero.Message, Does.Contain("centroid 0 is the zero vector"));
        Assert.Throws<ArgumentException>(() => CosineSimilarity.ToEach(q, []));
    }

    [Test]
    public void TheMeanEmbeddingAveragesAndChecks()
    {
        Assert.That(MeanEmbedding.Of([[1, 2], [3, 6]]), Is.EqualTo(new float[] { 2, 4 }));
        var error = Assert.Throws<ArgumentException>(() => MeanEmbedding.Of([[1, 2], [3]]))!;
        Assert.That(error.Message, Does.Contain("example embedding 1 has dimension 1, expected 2"));
        Assert.Throws<ArgumentException>(() => MeanEmbedding.Of([]));
    }
}
