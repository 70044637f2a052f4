using Crayon.Adapters;
using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>
/// Landing a blend image chunk by chunk (ABI 3): every tensor is reported exactly once, in image order, only once its
/// bytes are in the image, and the finished image is the one a plain blend into an image writes. A callback that throws
/// stops the blend with that same exception and leaves the engine usable.
/// </summary>
public class BlendLandingTests
{
    private const byte Sentinel = 0xA5;

    /// <summary>A pool of the odd shapes, random weights, and an fp16 image layout of its blend with the tensors in reverse pool
    /// order and odd gaps between them (a runtime's buffer need not follow the pool).</summary>
    private sealed class Case : IDisposable
    {
        public Case(BlendBackend backend, int adapters, int rank, int stacked)
        {
            var random = new RandomAdapters();
            Pool = random.Pool(adapters, rank, RandomAdapters.OddTargets);
            Resident = Backends.Get(backend).Upload(Pool, PoolStorage.Float16);
            Weights = random.Weights(adapters);
            Sizes = Enumerable.Range(0, Pool.TensorCount)
                .Select(t => 2L * stacked * (t % 2 == 0 ? Pool.Targets[t / 2].ElementsA : Pool.Targets[t / 2].ElementsB)).ToArray();
            Offsets = new long[Sizes.Length];
            long next = 6;
            for (var t = Sizes.Length - 1; t >= 0; t--)
            {
                Offsets[t] = next;
                next += Sizes[t] + 2 * (t + 1);
            }
            ImageBytes = (int)next + 10;
            Layout = new BlendImageLayout(PoolStorage.Float16, Offsets);
        }

        public AdapterPool Pool { get; }
        public ResidentPool Resident { get; }
        public float[] Weights { get; }
        public long[] Sizes { get; }
        public long[] Offsets { get; }
        public int ImageBytes { get; }
        public BlendImageLayout Layout { get; }

        public void Dispose() => Resident.Dispose();
    }

    [Test]
    public void ChunksReportEveryTensorOnceInImageOrderAfterItLanded(
        [Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend,
        [Values(1, 3000, 0)] int chunkBytes)
    {
        using var setup = new Case(backend, adapters: 4, rank: 3, stacked: 2);
        var (pool, resident, weights, offsets, sizes, imageBytes, layout) =
            (setup.Pool, setup.Resident, setup.Weights, setup.Offsets, setup.Sizes, setup.ImageBytes, setup.Layout);
        var expected = new byte[imageBytes];
        expected.AsSpan().Fill(Sentinel);
        resident.BlendInto(weights, BlendMode.Concat, 2, expected, layout);

        var image = new byte[imageBytes];
        image.AsSpan().Fill(Sentinel);
        var chunks = new List<LandedChunk>();
        var unlandedWhenReported = new List<int>();
        var timings = resident.BlendInto(weights, BlendMode.Concat, 2, image, layout, chunk =>
        {
            chunks.Add(chunk);
            foreach (var t in chunk.Tensors)
                if (!image.AsSpan((int)offsets[t], (int)sizes[t]).SequenceEqual(expected.AsSpan((int)offsets[t], (int)sizes[t])))
                    unlandedWhenReported.Add(t);
        }, chunkBytes);

        var imageOrder = Enumerable.Range(0, pool.TensorCount).OrderBy(t => offsets[t]).ToArray();
        Assert.That(chunks.SelectMany(c => c.Tensors), Is.EqualTo(imageOrder), "every tensor once, in ascending image offset");
        Assert.That(unlandedWhenReported, Is.Empty, "tensors reported before their bytes were in the image");
        Assert.That(image, Is.EqualTo(expected), "the finished image, gaps included, is the plain blend's");
        var chunkCount = chunks[0].ChunkCount;
        Assert.That(chunks.Select(c => c.FirstChunk), Is.EqualTo(chunks.Select(c => c.FirstChunk + c.Chunks).Prepend(0).SkipLast(1)),
            "each report starts where the previous one ended");
        Assert.That(chunks.Sum(c => c.Chunks), Is.EqualTo(chunkCount));
        Assert.That(chunks.Select(c => c.ChunkCount).Distinct(), Is.EqualTo(new[] { chunkCount }));
        foreach (var chunk in chunks)
        {
            Assert.That(chunk.Offset, Is.EqualTo(offsets[chunk.Tensors[0]]));
            Assert.That(chunk.Offset + chunk.Bytes, Is.EqualTo(offsets[chunk.Tensors[^1]] + sizes[chunk.Tensors[^1]]));
            if (chunk.Chunks == 1 && chunk.Tensors.Count > 1)
                Assert.That(chunk.Bytes, Is.LessThanOrEqualTo(chunkBytes == 0 ? 1 << 20 : chunkBytes), "a chunk of several tensors keeps to the size");
        }
        Assert.That(chunkCount, Is.EqualTo(chunkBytes switch { 1 => pool.TensorCount, 0 => 1, _ => chunkCount }), "a tensor larger than the chunk size is a chunk alone");
        if (chunkBytes == 3000) Assert.That(chunkCount, Is.InRange(2, pool.TensorCount - 1), "3000 bytes groups some tensors, not all");
        Assert.That((timings.Chunks, timings.Callbacks), Is.EqualTo((chunkCount, chunks.Count)));
        Assert.That(timings.LandedMicroseconds, Is.GreaterThanOrEqualTo(timings.FirstLandedMicroseconds).And.GreaterThan(0));
    }

    /// <summary>Chunks that land while the callback is busy come in one report: a slow upload gets fewer, larger ones.</summary>
    [Test]
    public void ChunksThatLandDuringASlowCallbackComeTogether()
    {
        using var setup = new Case(BlendBackend.Vulkan, adapters: 2, rank: 2, stacked: 1);
        var reports = new List<LandedChunk>();
        setup.Resident.BlendInto(setup.Weights, BlendMode.Linear, null, new byte[setup.ImageBytes], setup.Layout, chunk =>
        {
            reports.Add(chunk);
            if (chunk.FirstChunk == 0) Thread.Sleep(500); // the device reads back the other chunks meanwhile
        }, chunkBytes: 1);
        Assert.That(reports.Sum(r => r.Chunks), Is.EqualTo(setup.Pool.TensorCount));
        Assert.That(reports, Has.Count.LessThanOrEqualTo(2), "whatever the first report left landed during its callback: one more report at most");
    }

    [Test]
    public void AThrowingCallbackStopsTheBlendWithItsExceptionAndTheEngineStaysUsable([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        using var setup = new Case(backend, adapters: 3, rank: 2, stacked: 1);
        var (pool, resident, weights, imageBytes, layout) = (setup.Pool, setup.Resident, setup.Weights, setup.ImageBytes, setup.Layout);
        var image = new byte[imageBytes];
        var reported = new List<(int First, int Count)>();

        var thrown = Assert.Throws<TimeoutException>(() => resident.BlendInto(weights, BlendMode.Linear, null, image, layout, chunk =>
        {
            reported.Add((chunk.FirstChunk, chunk.Chunks));
            if (chunk.FirstChunk + chunk.Chunks > 1) throw new TimeoutException("upload of chunk 1 timed out");
        }, chunkBytes: 1));
        Assert.That(thrown!.Message, Is.EqualTo("upload of chunk 1 timed out"), "the callback's own exception, as thrown");
        Assert.That(reported.Select(r => r.First + r.Count > 1), Is.EqualTo(Enumerable.Repeat(false, reported.Count - 1).Append(true)),
            "nothing is reported after the callback that threw");

        var misuse = Assert.Throws<InvalidOperationException>(() => resident.BlendInto(weights, BlendMode.Linear, null, image, layout,
            _ => resident.Blend(weights, BlendMode.Linear)));
        Assert.That(misuse!.Message, Does.Contain("may not use the blender"));

        var expected = new byte[imageBytes];
        resident.BlendInto(weights, BlendMode.Linear, null, expected, layout);
        Array.Clear(image);
        var chunks = 0;
        resident.BlendInto(weights, BlendMode.Linear, null, image, layout, chunk => chunks += chunk.Chunks, chunkBytes: 1);
        Assert.That(image, Is.EqualTo(expected), "the engine blends correctly after the stop");
        Assert.That(chunks, Is.EqualTo(pool.TensorCount));
    }
}
