using Crayon.Adapters;
using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>
/// The linear recipe landing into an image is blended stage by stage in the image's chunk order (the first chunk is read
/// back while the later ones are still being blended). Whatever the chunking and however the image orders the tensors, the
/// landed image must be byte for byte the one the whole blend writes: same sums, same fp16 rounding, gaps untouched.
/// </summary>
public class LinearLandingTests
{
    private const byte Sentinel = 0x5A;

    /// <summary>Nine targets (18 tensors, so one-tensor chunks make stages of 1, 1, 2, 4, 8 and 2 chunks) of odd sizes; the
    /// last one spans several workgroups' tiles, so a stage starting inside the adapter walks the grid from its own group.</summary>
    private static readonly (string Name, int In, int Out)[] Targets =
    [
        ("blk.0.attn_q", 37, 53), ("blk.0.attn_k", 64, 48), ("blk.0.attn_v", 9, 301),
        ("blk.0.ffn_up", 131, 7), ("blk.1.attn_q", 1031, 19), ("blk.1.attn_k", 5, 5),
        ("blk.1.attn_v", 256, 96), ("blk.1.ffn_up", 33, 65), ("blk.1.ffn_down", 4099, 1023),
    ];

    public enum ImageOrder { Pool, Reversed, Shuffled }

    [Test]
    public void StagedLinearLandingEqualsTheWholeBlendByteForByte(
        [Values(ImageOrder.Pool, ImageOrder.Reversed, ImageOrder.Shuffled)] ImageOrder order,
        [Values(1, 3000, 40000, 0)] int chunkBytes,
        [Values(PoolStorage.Float16, PoolStorage.Float32)] PoolStorage imageType,
        [Values(PoolStorage.Float16, PoolStorage.Float32)] PoolStorage poolStorage)
    {
        var random = new RandomAdapters();
        var pool = random.Pool(6, 5, Targets);
        using var resident = Backends.Get(BlendBackend.Vulkan).Upload(pool, poolStorage);
        var elementBytes = imageType == PoolStorage.Float32 ? 4 : 2;
        var sizes = Enumerable.Range(0, pool.TensorCount)
            .Select(t => (long)elementBytes * (t % 2 == 0 ? Targets[t / 2].In * 5 : Targets[t / 2].Out * 5)).ToArray();
        var imageOrder = order switch
        {
            ImageOrder.Pool => Enumerable.Range(0, pool.TensorCount).ToArray(),
            ImageOrder.Reversed => Enumerable.Range(0, pool.TensorCount).Reverse().ToArray(),
            _ => Enumerable.Range(0, pool.TensorCount).OrderBy(_ => Random.Shared.Next()).ToArray(),
        };
        var offsets = new long[pool.TensorCount];
        long next = 3 * elementBytes;
        foreach (var t in imageOrder)
        {
            offsets[t] = next;
            next += sizes[t] + elementBytes * (t % 3 + 1);
        }
        TestContext.Out.WriteLine($"image order {string.Join(",", imageOrder)}");
        var layout = new BlendImageLayout(imageType, offsets);
        // Two rounds on the same pool: the first lands into freshly made device buffers, the second into ones the first
        // filled; both are poisoned first and land before the whole blend runs, so nothing a stage skips is left correct.
        for (var round = 0; round < 2; round++)
        {
            var weights = random.Weights(pool.Count);
            resident.PoisonDeviceOutput(float.NaN);
            var landed = new byte[next + 10];
            landed.AsSpan().Fill(Sentinel);
            var reported = new List<int>();
            var timings = resident.BlendInto(weights, BlendMode.Linear, null, landed, layout, chunk => reported.AddRange(chunk.Tensors), chunkBytes);

            var whole = new byte[landed.Length];
            whole.AsSpan().Fill(Sentinel);
            resident.BlendInto(weights, BlendMode.Linear, null, whole, layout);

            Assert.That(reported, Is.EqualTo(imageOrder), "every tensor reported once, in image order");
            if (chunkBytes == 1) Assert.That(timings.Chunks, Is.EqualTo(pool.TensorCount), "one chunk per tensor: every stage boundary is crossed");
            if (chunkBytes == 0) Assert.That(timings.Chunks, Is.EqualTo(1));
            var firstDifference = Enumerable.Range(0, whole.Length).FirstOrDefault(i => whole[i] != landed[i], -1);
            Assert.That(firstDifference, Is.EqualTo(-1), $"round {round}: the landed image differs from the whole blend's at this byte");
            foreach (var t in imageOrder)
                Assert.That(whole.AsSpan((int)offsets[t], (int)sizes[t]).ToArray().Any(b => b != Sentinel), Is.True, $"tensor {t} was written");
        }
    }
}
