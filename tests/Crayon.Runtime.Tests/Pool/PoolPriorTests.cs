using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tests.Blending;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Pool;

/// <summary>A pool's prior over its adapters: the clusters' shares of the build's examples, uniform without them, and a clear error for sizes that do not parse.</summary>
public class PoolPriorTests : TempFolderTest
{
    private static AdapterPoolArtifact Pool(IReadOnlyDictionary<string, string> provenance)
    {
        var adapters = new RandomAdapters(seed: 3).Pool(3, rank: 2, RandomAdapters.OddTargets);
        float[][] centroids = [[1, 0], [0, 1], [1, 1]];
        return new AdapterPoolArtifact(adapters, centroids, EmbeddingSignal.Hidden, new PoolModel("m", "llama", new string('b', 64)), null, provenance);
    }

    [Test]
    public void APoolWithoutClusterSizesHasTheUniformPrior() =>
        Assert.That(Pool(new Dictionary<string, string> { ["seed"] = "1" }).Prior, Is.EqualTo(new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }));

    [Test]
    public void EachAdapterWeighsItsClustersShareOfTheExamplesAndTheFileKeepsIt()
    {
        var pool = Pool(new Dictionary<string, string> { [PoolPrior.ClusterSizesKey] = "30,10,40" });
        AdapterPoolFile.Write(pool, PathIn("p.gguf"));
        Assert.Multiple(() =>
        {
            Assert.That(pool.Prior, Is.EqualTo(new[] { 0.375, 0.125, 0.5 }).Within(1e-15));
            Assert.That(AdapterPoolFile.Read(PathIn("p.gguf")).Prior, Is.EqualTo(pool.Prior));
        });
    }

    [TestCase("30,10", "has 2 sizes for 3 adapters")]
    [TestCase("30,x,40", "size 1 ('x') is not a positive integer")]
    [TestCase("30,0,40", "size 1 ('0') is not a positive integer")]
    [TestCase("30,-1,40", "size 1 ('-1') is not a positive integer")]
    [TestCase("30, 10,40", "size 1 (' 10') is not a positive integer")]
    [TestCase("30,10,99999999999999999999999", "size 2 ('99999999999999999999…') is not a positive integer")]
    [TestCase("", "has 1 sizes for 3 adapters")]
    public void ClusterSizesThatDoNotParseAreRefusedNamingTheKeyAndTheSize(string sizes, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => Pool(new Dictionary<string, string> { [PoolPrior.ClusterSizesKey] = sizes }))!;
        Assert.That(error.Message, Does.Contain("provenance 'cluster_sizes'").And.Contain(expected));
    }
}
