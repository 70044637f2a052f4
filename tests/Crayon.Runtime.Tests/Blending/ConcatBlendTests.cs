using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>concat is exact: llama.cpp's (alpha'/rank')·B'A' equals Σ_s w_s (α_s/r) B_s A_s, checked in float64.</summary>
public class ConcatBlendTests
{
    private static IEnumerable<TestCaseData> Cases() => BlendCases.For((PoolStorage.Float32, 1e-6), (PoolStorage.Float16, 2e-3));

    [TestCaseSource(nameof(Cases))]
    public void ProductEqualsWeightedSumOfProducts(BlendBackend backend, PoolStorage storage, int n, double tolerance)
    {
        var random = new RandomAdapters();
        var pool = random.Pool(n, rank: 5, RandomAdapters.OddTargets, mixedAlphas: true);
        using var resident = Backends.Get(backend).Upload(pool, storage);
        var weights = random.Weights(n);
        var k = n == 1 ? 1 : n - 1 - n / 4;
        var chosen = BlendSelection.Choose(weights, BlendMode.Concat, k);
        var output = resident.CreateOutput(BlendMode.Concat, k);
        LinearBlendTests.Poison(resident, output);

        resident.BlendInto(weights, BlendMode.Concat, k, output);

        Assert.That(output.UniformRank, Is.EqualTo(k * pool.Rank));
        for (var t = 0; t < pool.Targets.Count; t++)
        {
            var applied = BlendReference.AppliedUpdate(output, t);
            var expected = BlendReference.ExactUpdate(pool, weights, chosen, t);
            Assert.That(BlendReference.RelativeError(BlendReference.ToFloats(applied), expected), Is.LessThan(tolerance),
                        $"B'A' of {pool.Targets[t].Name}");
        }
    }

    /// <summary>The stacking itself: block j of A' is w_s·A_s and block j of B' is B_s for the j-th chosen adapter s.</summary>
    [Test]
    public void StacksTheLargestWeightsFirst([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend,
                                             [Values(PoolStorage.Float32, PoolStorage.Float16)] PoolStorage storage)
    {
        var random = new RandomAdapters();
        var pool = random.Pool(6, rank: 4, RandomAdapters.AlignedTargets);
        using var resident = Backends.Get(backend).Upload(pool, storage);
        float[] weights = [0.1f, -0.9f, 0f, 0.5f, 0.3f, -0.2f];

        var result = resident.Blend(weights, BlendMode.Concat, topK: 3);

        Assert.That(result.Blended, Is.EqualTo(new[] { 1, 3, 4 }));
        Assert.That(result.Adapter.Alpha, Is.EqualTo(3 * pool.ReferenceAlpha));
        var tolerance = storage == PoolStorage.Float32 ? 1e-7 : 2e-3;
        for (var t = 0; t < pool.Targets.Count; t++)
        {
            var pair = result.Adapter.Pairs[t];
            var r = pool.Rank;
            for (var j = 0; j < 3; j++)
            {
                var source = pool.Adapters[result.Blended[j]].Pairs[t];
                var w = weights[result.Blended[j]];
                var aBlock = pair.A.Data.AsSpan(j * r * pair.InFeatures, r * pair.InFeatures);
                Assert.That(BlendReference.RelativeError(aBlock, source.A.Data.Select(x => (double)w * x).ToArray()), Is.LessThan(tolerance));
                var bBlock = new float[pair.OutFeatures * r];
                pair.B.AsSpan2D().Slice(0, j * r, pair.OutFeatures, r).CopyTo(bBlock);
                Assert.That(BlendReference.RelativeError(bBlock, source.B.Data.Select(x => (double)x).ToArray()), Is.LessThan(tolerance));
            }
        }
    }
}
