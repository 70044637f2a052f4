using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>linear on Vulkan (lavapipe here) and on the CPU path equals the float64 reference.</summary>
public class LinearBlendTests
{
    private static IEnumerable<TestCaseData> Cases() => BlendCases.For((PoolStorage.Float32, 1e-6), (PoolStorage.Float16, 2e-3), (PoolStorage.BFloat16, 1.6e-2));

    [TestCaseSource(nameof(Cases))]
    public void MatchesFloat64Reference(BlendBackend backend, PoolStorage storage, int n, double tolerance)
    {
        var random = new RandomAdapters();
        var pool = random.Pool(n, rank: 5, RandomAdapters.OddTargets, mixedAlphas: true);
        using var resident = Backends.Get(backend).Upload(pool, storage);
        var weights = random.Weights(n);
        var output = resident.CreateOutput(BlendMode.Linear, n);
        Poison(resident, output);

        var timings = resident.BlendInto(weights, BlendMode.Linear, topK: null, output);

        Assert.That(output.Alpha, Is.EqualTo(pool.ReferenceAlpha));
        for (var t = 0; t < pool.Targets.Count; t++)
        {
            var pair = output.Pairs[t];
            Assert.That(pair.Rank, Is.EqualTo(pool.Rank));
            Assert.That(BlendReference.RelativeError(pair.A.Data, BlendReference.Linear(pool, weights, t, factorB: false)),
                        Is.LessThan(tolerance), $"{pair.TensorNameA}");
            Assert.That(BlendReference.RelativeError(pair.B.Data, BlendReference.Linear(pool, weights, t, factorB: true)),
                        Is.LessThan(tolerance), $"{pair.TensorNameB}");
        }
        Assert.That(timings.BlendMicroseconds, Is.GreaterThan(0));
        Assert.That(timings.DeviceTimed, Is.EqualTo(backend == BlendBackend.Vulkan));
    }

    [Test]
    public void OneHotWeightReproducesThatAdapterExactly([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        var random = new RandomAdapters();
        var pool = random.Pool(4, rank: 3, RandomAdapters.OddTargets);
        using var resident = Backends.Get(backend).Upload(pool, PoolStorage.Float32);

        var result = resident.Blend([0f, 0f, 1f, 0f], BlendMode.Linear);

        for (var t = 0; t < pool.Targets.Count; t++)
        {
            Assert.That(result.Adapter.Pairs[t].A.Data, Is.EqualTo(pool.Adapters[2].Pairs[t].A.Data));
            Assert.That(result.Adapter.Pairs[t].B.Data, Is.EqualTo(pool.Adapters[2].Pairs[t].B.Data));
        }
    }

    /// <summary>Tiny workgroups and a cap of 3 workgroups force the kernels' grid-stride loops and partial tiles.</summary>
    [Test]
    public void GridStrideLoopsCoverEveryElementWithTinyDispatches([Values(PoolStorage.Float32, PoolStorage.Float16)] PoolStorage storage)
    {
        Backends.RequireVulkan();
        var random = new RandomAdapters();
        var pool = random.Pool(5, rank: 7, RandomAdapters.OddTargets);
        using var blender = Blender.Create(new BlenderOptions
        {
            Backend = BlendBackend.Vulkan,
            Tuning = new KernelTuning { WorkgroupSize = 32, LoadsPerThread = 3, AdapterUnroll = 2, MaxWorkgroups = 3 },
        });
        using var resident = blender.Upload(pool, storage);
        var weights = random.Weights(5);
        var tolerance = storage == PoolStorage.Float32 ? 1e-6 : 2e-3;
        foreach (var (mode, k) in new[] { (BlendMode.Linear, (int?)null), (BlendMode.Concat, 3) })
        {
            var output = resident.CreateOutput(mode, k ?? 5);
            Poison(resident, output);
            resident.BlendInto(weights, mode, k, output);
            var chosen = BlendSelection.Choose(weights, mode, k);
            for (var t = 0; t < pool.Targets.Count; t++)
            {
                var expected = mode == BlendMode.Linear
                    ? BlendReference.Linear(pool, weights, t, factorB: false)
                    : BlendReference.ExactUpdate(pool, weights, chosen, t);
                var actual = mode == BlendMode.Linear ? output.Pairs[t].A.Data : BlendReference.ToFloats(BlendReference.AppliedUpdate(output, t));
                Assert.That(BlendReference.RelativeError(actual, expected), Is.LessThan(tolerance), $"{mode} target {t}");
            }
        }
    }

    /// <summary>NaN in the device output buffer and in the destination: any element the blend skips stays NaN.</summary>
    internal static void Poison(ResidentPool resident, Crayon.Adapters.LoraAdapter output)
    {
        resident.PoisonDeviceOutput(float.NaN);
        foreach (var pair in output.Pairs)
        {
            Array.Fill(pair.A.Data, float.NaN);
            Array.Fill(pair.B.Data, float.NaN);
        }
    }
}
