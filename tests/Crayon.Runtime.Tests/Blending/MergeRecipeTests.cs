using Crayon.Adapters;
using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>
/// PEFT's merge recipes (ties, dare_linear, dare_ties, magnitude_prune) on the CPU kernels and on Vulkan (lavapipe) against
/// the float64 reference, and the two backends keeping exactly the same elements.
/// </summary>
public class MergeRecipeTests
{
    /// <summary>
    /// Per element |kernel - reference| ≤ 2e-6 · Σ_i |v_i|: fp32 sums of N = 5 terms round by at most N·2^-24 of that, the
    /// ties mean's division on Vulkan by 2.5 ulp. The reference reads the stored (fp16-rounded) values, so fp16 storage
    /// adds no error of its own; a wrongly kept or dropped element is off by a whole |v_i|.
    /// </summary>
    private const double Tolerance = 2e-6;

    private static readonly BlendRecipe[] Recipes =
    [
        BlendRecipe.Ties(0.4f),
        BlendRecipe.Ties(0.7f, MajoritySignMethod.Frequency),
        BlendRecipe.DareLinear(0.3f, seed: 11),
        BlendRecipe.DareTies(0.5f, MajoritySignMethod.Total, seed: 0x1234_5678_9abc),
        BlendRecipe.DareTies(0.9f, MajoritySignMethod.Frequency, seed: 3),
        BlendRecipe.MagnitudePrune(0.25f),
        BlendRecipe.MagnitudePrune(1f),
    ];

    private static IEnumerable<TestCaseData> Cases() =>
        from backend in new[] { BlendBackend.Cpu, BlendBackend.Vulkan }
        from storage in new[] { PoolStorage.Float32, PoolStorage.Float16 }
        from recipe in Recipes
        select new TestCaseData(backend, storage, recipe.ToString()).SetArgDisplayNames(backend.ToString(), storage.ToString(), recipe.ToString());

    [TestCaseSource(nameof(Cases))]
    public void MatchesFloat64Reference(BlendBackend backend, PoolStorage storage, string recipeText)
    {
        var recipe = BlendRecipe.Parse(recipeText);
        var random = new RandomAdapters();
        var pool = random.Pool(5, rank: 4, RandomAdapters.OddTargets, mixedAlphas: true);
        using var resident = Backends.Get(backend).Upload(pool, storage);
        float[] weights = [0.6f, 0.05f, 1.5f, 0f, 0.3f];
        var output = resident.CreateOutput(recipe, 5);

        resident.BlendInto(weights, recipe, topK: null, output);

        Assert.That(output.Alpha, Is.EqualTo(pool.ReferenceAlpha));
        Assert.That(output.Metadata["general.name"], Is.EqualTo($"crayon {recipe.Name} blend of 5"));
        for (var t = 0; t < pool.Targets.Count; t++)
        {
            Assert.That(output.Pairs[t].Rank, Is.EqualTo(pool.Rank));
            Check(resident, recipe, weights, 2 * t, output.Pairs[t].A.Data);
            Check(resident, recipe, weights, 2 * t + 1, output.Pairs[t].B.Data);
        }
    }

    [Test]
    public void DareKeepsTheSameElementsOnCpuAndVulkanForASeed([Values(0UL, 7UL, 0xFFFF_FFFF_0000_0001UL)] ulong seed)
    {
        Backends.RequireVulkan();
        var pool = new RandomAdapters().Pool(3, rank: 4, RandomAdapters.OddTargets);
        var recipe = BlendRecipe.DareLinear(0.35f, seed);
        var masks = new[] { BlendBackend.Cpu, BlendBackend.Vulkan }.Select(backend =>
        {
            using var resident = Backends.Get(backend).Upload(pool, PoolStorage.Float32);
            // One adapter weighted, so an output element is non-zero exactly where that adapter's element was kept.
            return resident.Blend([0f, 1f, 0f], recipe).Adapter.Pairs.SelectMany(p => p.A.Data.Concat(p.B.Data)).Select(x => x != 0).ToArray();
        }).ToArray();

        Assert.That(masks[1], Is.EqualTo(masks[0]), "Vulkan keeps what the CPU keeps");
        var expected = Enumerable.Range(0, pool.TensorCount)
            .SelectMany(t => MergeReference.DareMask(seed, 0.35f, adapter: 1, t, (int)(t % 2 == 0 ? pool.Targets[t / 2].ElementsA : pool.Targets[t / 2].ElementsB)))
            .ToArray();
        Assert.That(masks[0], Is.EqualTo(expected), "the documented hash");
        var kept = masks[0].Count(m => m) / (double)masks[0].Length;
        Assert.That(kept, Is.InRange(0.30, 0.40), $"{masks[0].Length} elements kept with probability 0.35");
    }

    [Test]
    public void AnotherSeedDropsOtherElements()
    {
        var pool = new RandomAdapters().Pool(2, rank: 4, RandomAdapters.OddTargets);
        using var resident = Backends.Get(BlendBackend.Cpu).Upload(pool, PoolStorage.Float32);
        var first = resident.Blend([1f, 0f], BlendRecipe.DareLinear(0.5f, seed: 1)).Adapter.Pairs[1].A.Data;
        var again = resident.Blend([1f, 0f], BlendRecipe.DareLinear(0.5f, seed: 1)).Adapter.Pairs[1].A.Data;
        var other = resident.Blend([1f, 0f], BlendRecipe.DareLinear(0.5f, seed: 2)).Adapter.Pairs[1].A.Data;
        Assert.That(again, Is.EqualTo(first));
        Assert.That(other.Zip(first).Count(p => (p.First == 0) != (p.Second == 0)), Is.GreaterThan(first.Length / 4));
    }

    [Test]
    public void MagnitudePruneKeepsExactlyTheTopKEvenAmongEqualMagnitudes([Values(BlendBackend.Cpu, BlendBackend.Vulkan)] BlendBackend backend)
    {
        // bf16 keeps 8 bits of mantissa: values in [-1, 1] repeat, so the threshold falls among equal magnitudes.
        var pool = new RandomAdapters().Pool(2, rank: 4, RandomAdapters.OddTargets);
        using var resident = Backends.Get(backend).Upload(pool, PoolStorage.BFloat16);
        const float density = 0.3f;
        var blended = resident.Blend([0f, 1f], BlendRecipe.MagnitudePrune(density)).Adapter;

        var sawTiesAtTheThreshold = false;
        for (var t = 0; t < pool.TensorCount; t++)
        {
            var stored = resident.ReadStoredTensor(1, t);
            var got = t % 2 == 0 ? blended.Pairs[t / 2].A.Data : blended.Pairs[t / 2].B.Data;
            var expected = MergeReference.TopKMask(stored, density);
            Assert.That(got.Select(x => x != 0), Is.EqualTo(expected), $"tensor {t}");
            Assert.That(got.Count(x => x != 0), Is.EqualTo((int)Math.Floor((double)density * stored.Length)), $"tensor {t}");
            var threshold = stored.Where((_, e) => expected[e]).Min(Math.Abs);
            sawTiesAtTheThreshold |= stored.Where((_, e) => !expected[e]).Any(x => Math.Abs(x) == threshold);
        }
        Assert.That(sawTiesAtTheThreshold, "some tensor's threshold fell among equal magnitudes, so the tie rule was exercised");
    }

    [Test]
    public void ThresholdsFollowNewlyUploadedData()
    {
        var random = new RandomAdapters();
        var pool = random.Pool(2, rank: 4, RandomAdapters.OddTargets);
        using var resident = Backends.Get(BlendBackend.Cpu).Upload(pool, PoolStorage.Float32);
        var recipe = BlendRecipe.MagnitudePrune(0.5f);
        resident.Blend([1f, 1f], recipe);
        var swapped = new AdapterPool([pool.Adapters[1], pool.Adapters[0]]);
        using var other = Backends.Get(BlendBackend.Cpu).Upload(swapped, PoolStorage.Float32);
        var a = resident.Blend([1f, 0f], recipe).Adapter.Pairs[0].A.Data;
        var b = other.Blend([0f, 1f], recipe).Adapter.Pairs[0].A.Data;
        Assert.That(b, Is.EqualTo(a));
    }

    [Test]
    public void NegativeWeightsAreRefusedForTheMerges()
    {
        var pool = new RandomAdapters().Pool(2, rank: 2, RandomAdapters.OddTargets);
        using var resident = Backends.Get(BlendBackend.Cpu).Upload(pool, PoolStorage.Float32);
        var error = Assert.Throws<ArgumentException>(() => resident.Blend([0.5f, -0.5f], BlendRecipe.Ties()))!;
        Assert.That(error.Message, Does.Contain("weights[1] is -0.5").And.Contain("ties").And.Contain("≥ 0"));
        Assert.That(resident.Blend([0.5f, -0.5f], BlendRecipe.Linear).Adapter.Pairs, Has.Count.EqualTo(pool.Targets.Count), "linear still takes them");
    }

    private static void Check(ResidentPool resident, BlendRecipe recipe, float[] weights, int tensor, float[] got)
    {
        var stored = Enumerable.Range(0, resident.Pool.Count).Select(a => resident.ReadStoredTensor(a, tensor)).ToArray();
        var expected = MergeReference.Merge(recipe, stored, weights, tensor);
        Assert.That(got, Has.Length.EqualTo(expected.Length));
        for (var e = 0; e < got.Length; e++)
        {
            var allowed = Tolerance * expected[e].Scale;
            var ok = Math.Abs(got[e] - expected[e].Value) <= allowed ||
                     expected[e].Alternative is { } other && Math.Abs(got[e] - other) <= allowed;
            if (!ok)
                Assert.Fail($"{recipe} tensor {tensor} element {e}: got {got[e]}, expected {expected[e].Value} (±{allowed:G3}" +
                            $"{(expected[e].Alternative is { } a ? $", or {a} on the other side of a close election" : "")})");
        }
    }
}
