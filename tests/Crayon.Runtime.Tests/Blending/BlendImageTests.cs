using System.Runtime.InteropServices;
using Crayon.Blending;
using Crayon.Interop.Blend;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>
/// Blending straight into a caller's flat image (ABI 2): every tensor lands at its offset in f32 or f16, the same
/// values as a blend into arrays (f16 rounded to nearest even, bit for bit), and the bytes between stay untouched.
/// </summary>
public class BlendImageTests
{
    private const byte Sentinel = 0xA5;

    [Test]
    public void TensorsLandAtTheirOffsetsWithTheValuesOfAnArrayBlend(
        [Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend,
        [Values(BlendMode.Linear, BlendMode.Concat)] BlendMode mode,
        [Values(PoolStorage.Float32, PoolStorage.Float16)] PoolStorage imageType)
    {
        var random = new RandomAdapters();
        var pool = random.Pool(5, rank: 3, RandomAdapters.OddTargets);
        using var resident = Backends.Get(backend).Upload(pool, PoolStorage.Float16);
        var weights = random.Weights(5);
        int? topK = mode == BlendMode.Concat ? 3 : null;
        var reference = resident.Blend(weights, mode, topK).Adapter;
        var tensors = Enumerable.Range(0, pool.TensorCount)
            .Select(t => t % 2 == 0 ? reference.Pairs[t / 2].A.Data : reference.Pairs[t / 2].B.Data).ToArray();

        // Reverse order with odd gaps, the way a runtime's buffer need not follow the pool's order.
        var size = imageType == PoolStorage.Float32 ? 4 : 2;
        var offsets = new long[tensors.Length];
        long next = 3 * size;
        for (var t = tensors.Length - 1; t >= 0; t--)
        {
            offsets[t] = next;
            next += (tensors[t].Length + t + 1) * size;
        }
        var image = new byte[next + 10];
        image.AsSpan().Fill(Sentinel);

        var timings = resident.BlendInto(weights, mode, topK, image, new BlendImageLayout(imageType, offsets));

        Assert.That(timings.BlendMicroseconds, Is.GreaterThan(0));
        var covered = new bool[image.Length];
        for (var t = 0; t < tensors.Length; t++)
        {
            var bytes = image.AsSpan((int)offsets[t], tensors[t].Length * size);
            Array.Fill(covered, true, (int)offsets[t], bytes.Length);
            if (imageType == PoolStorage.Float32)
                Assert.That(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), Is.EqualTo(tensors[t]), $"tensor {t}");
            else
                Assert.That(MemoryMarshal.Cast<byte, Half>(bytes).ToArray(), Is.EqualTo(tensors[t].Select(x => (Half)x).ToArray()), $"tensor {t}");
        }
        var touched = Enumerable.Range(0, image.Length).Count(i => !covered[i] && image[i] != Sentinel);
        Assert.That(touched, Is.Zero, "bytes outside the tensors that the blend changed");
    }

    [Test]
    public void BadLayoutsAreRejectedByName([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        var random = new RandomAdapters();
        var pool = random.Pool(2, rank: 2, RandomAdapters.AlignedTargets);
        using var resident = Backends.Get(backend).Upload(pool, PoolStorage.Float32);
        var weights = random.Weights(2);
        var sizes = Enumerable.Range(0, pool.TensorCount)
            .Select(t => (long)(t % 2 == 0 ? pool.Targets[t / 2].ElementsA : pool.Targets[t / 2].ElementsB) * 2).ToArray();
        long[] Packed(long shift = 0)
        {
            var offsets = new long[sizes.Length];
            for (var t = 1; t < sizes.Length; t++) offsets[t] = offsets[t - 1] + sizes[t - 1];
            offsets[^1] += shift;
            return offsets;
        }
        var image = new byte[sizes.Sum()];
        string Fails(long[] offsets, PoolStorage type = PoolStorage.Float16, byte[]? target = null) =>
            Assert.Throws<BlendEngineException>(() => resident.BlendInto(weights, BlendMode.Linear, null, target ?? image,
                new BlendImageLayout(type, offsets)))!.Message;

        Assert.That(Fails(Packed(-2)), Does.Contain("tensors 2 and 3 overlap"));
        Assert.That(Fails(Packed(1)), Does.Contain("offset of tensor 3").And.Contain("multiple of the element size 2"));
        Assert.That(Fails(Packed(2)), Does.Contain("tensor 3").And.Contain("does not fit in the image"));
        Assert.That(Fails(Packed(), PoolStorage.Float32), Does.Contain("does not fit"), "f32 needs twice the bytes");
        Assert.Throws<ArgumentException>(() => resident.BlendInto(weights, BlendMode.Linear, null, image, new BlendImageLayout(PoolStorage.BFloat16, Packed())));
        Assert.Throws<ArgumentException>(() => resident.BlendInto(weights, BlendMode.Linear, null, image, new BlendImageLayout(PoolStorage.Float16, [0, 8])));
        Assert.DoesNotThrow(() => resident.BlendInto(weights, BlendMode.Linear, null, image, new BlendImageLayout(PoolStorage.Float16, Packed())));
    }
}
