using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>A pool uploaded once serves many blends of both modes and every k; each result is right.</summary>
public class PoolReuseTests
{
    [Test]
    public void ManyBlendsOfOneUploadAreEachCorrect([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        var random = new RandomAdapters();
        var pool = random.Pool(7, rank: 3, RandomAdapters.OddTargets, mixedAlphas: true);
        using var resident = Backends.Get(backend).Upload(pool, PoolStorage.Float32);
        int?[] ks = [null, 1, 7, 3, null, 2, 3, 5];
        for (var round = 0; round < 16; round++)
        {
            var weights = random.Weights(7);
            var mode = round % 2 == 0 ? BlendMode.Linear : BlendMode.Concat;
            var k = mode == BlendMode.Concat ? ks[round / 2] ?? 4 : (int?)null;
            resident.PoisonDeviceOutput(float.NaN);

            var result = resident.Blend(weights, mode, k);

            for (var t = 0; t < pool.Targets.Count; t++)
            {
                var error = mode == BlendMode.Linear
                    ? BlendReference.RelativeError(result.Adapter.Pairs[t].B.Data, BlendReference.Linear(pool, weights, t, factorB: true))
                    : BlendReference.RelativeError(BlendReference.ToFloats(BlendReference.AppliedUpdate(result.Adapter, t)),
                                                   BlendReference.ExactUpdate(pool, weights, result.Blended, t));
                Assert.That(error, Is.LessThan(1e-6), $"round {round} ({mode}, k={k}) target {t}");
            }
        }
    }

    [Test]
    public void StoredTensorsAreAddressableAndRoundedLikeHalf([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        var random = new RandomAdapters();
        var pool = random.Pool(3, rank: 5, RandomAdapters.OddTargets);
        using var resident = Backends.Get(backend).Upload(pool, PoolStorage.Float16);
        for (var tensor = 0; tensor < pool.TensorCount; tensor++)
        {
            var pair = pool.Adapters[2].Pairs[tensor / 2];
            var original = tensor % 2 == 0 ? pair.A.Data : pair.B.Data;
            var expected = original.Select(x => (float)(Half)x).ToArray();
            Assert.That(resident.ReadStoredTensor(2, tensor), Is.EqualTo(expected), $"tensor {tensor}");
        }
    }
}
