using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Llama;
using Crayon.Tests.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>
/// The fast swap path: an adapter rewritten where llama.cpp keeps it gives exactly the logits of loading the same
/// values fresh, on the CPU and on Vulkan (lavapipe), whether the values are written or blended straight into the image.
/// </summary>
public class InPlaceAdapterTests
{
    private static readonly LlamaContextOptions Small = LlamaTestRuntime.Context(64);

    private static LlamaModel Load(LlamaBackend backend)
    {
        var info = LlamaTestRuntime.Ensure();
        if (backend == LlamaBackend.Cpu) return TinyModel.LoadCpu();
        Assert.That(info.Devices.Any(d => d.Backend == "Vulkan"), "no Vulkan device (lavapipe with GGML_VK_VISIBLE_DEVICES=0)");
        return LlamaModel.Load(TinyModel.Path, new LlamaModelOptions { Backend = LlamaBackend.Vulkan });
    }

    private static float[] FreshLogits(LlamaModel model, LoraAdapter adapter)
    {
        using var context = model.CreateContext(Small);
        using var loaded = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(adapter, GgmlType.F16), "fresh");
        context.ApplyAdapters(AdapterSet.Single(loaded));
        return context.EvaluateLogits("The end");
    }

    [Test]
    public void RewrittenValuesGiveTheLogitsOfAFreshLoad([Values(LlamaBackend.Cpu, LlamaBackend.Vulkan)] LlamaBackend backend)
    {
        using var model = Load(backend);
        var first = TinyModel.RandomAdapter(seed: 41, magnitude: 3f);
        var second = TinyModel.RandomAdapter(seed: 42, magnitude: 3f);
        using var context = model.CreateContext(Small);
        using var live = InPlaceAdapter.Create(context, first);
        var withFirst = context.EvaluateLogits("The end");
        Assert.That(withFirst, Is.EqualTo(FreshLogits(model, first)), "as loaded");

        live.Write(second);
        live.Commit();

        var withSecond = context.EvaluateLogits("The end");
        Assert.That(withSecond, Is.Not.EqualTo(withFirst), "the rewrite changed the model's output");
        Assert.That(withSecond, Is.EqualTo(FreshLogits(model, second)), "rewritten in place = loaded fresh");
        Assert.That(live.ImageIsPinned, Is.EqualTo(backend == LlamaBackend.Vulkan), "pinned host memory where the backend has it");
    }

    [Test]
    public void ABlendStraightIntoTheImageIsTheBlendedAdapter([Values(BlendMode.Linear, BlendMode.Concat)] BlendMode mode)
    {
        using var model = Load(LlamaBackend.Vulkan);
        var pool = new AdapterPool(Enumerable.Range(0, 4).Select(i => TinyModel.RandomAdapter(seed: 50 + i, magnitude: 2f)).ToList());
        using var resident = Backends.Get(BlendBackend.Vulkan).Upload(pool, PoolStorage.Float16);
        int? topK = mode == BlendMode.Concat ? 2 : null;
        float[] alpha = [0.5f, -0.25f, 0.75f, 0.1f];
        float[] beta = [-0.3f, 0.6f, 0.2f, 0.9f];
        using var context = model.CreateContext(Small);
        using var live = InPlaceAdapter.Create(context, resident.Blend(alpha, mode, topK).Adapter);
        var layout = live.LayoutFor(pool, mode, topK ?? 1);

        resident.BlendInto(beta, mode, topK, live.Image, layout);
        live.Commit();

        var expected = FreshLogits(model, resident.Blend(beta, mode, topK).Adapter);
        Assert.That(context.EvaluateLogits("The end"), Is.EqualTo(expected));
    }

    /// <summary>
    /// The pipelined swap (blend, read-back and upload overlapped chunk by chunk) gives the logits of a fresh load of the same
    /// blend: on lavapipe with one chunk per tensor (chunk size 1 byte, smaller than any tensor), on the CPU in one chunk.
    /// </summary>
    [TestCase(LlamaBackend.Vulkan, BlendMode.Linear, 1)]
    [TestCase(LlamaBackend.Cpu, BlendMode.Concat, 0)]
    public void APipelinedSwapGivesTheLogitsOfAFreshLoad(LlamaBackend backend, BlendMode mode, int chunkBytes)
    {
        using var model = Load(backend);
        var pool = new AdapterPool(Enumerable.Range(0, 4).Select(i => TinyModel.RandomAdapter(seed: 70 + i, magnitude: 2f)).ToList());
        using var resident = Backends.Get(backend == LlamaBackend.Vulkan ? BlendBackend.Vulkan : BlendBackend.Cpu).Upload(pool, PoolStorage.Float16);
        int? topK = mode == BlendMode.Concat ? 3 : null;
        float[] alpha = [0.5f, -0.25f, 0.75f, 0.1f];
        float[] beta = [-0.3f, 0.6f, 0.2f, 0.9f];
        using var context = model.CreateContext(Small);
        using var live = InPlaceAdapter.Create(context, resident.Blend(alpha, mode, topK).Adapter);
        var before = context.EvaluateLogits("The end");

        var timings = live.SwapFrom(resident, beta, mode, topK, chunkBytes);

        var after = context.EvaluateLogits("The end");
        Assert.That(after, Is.Not.EqualTo(before), "the swap changed the model's output");
        Assert.That(after, Is.EqualTo(FreshLogits(model, resident.Blend(beta, mode, topK).Adapter)), "swapped in place = loaded fresh");
        Assert.That(timings.Chunks, Is.EqualTo(chunkBytes == 1 ? pool.TensorCount : 1));
        Assert.That(timings.Uploads, Is.InRange(1, timings.Chunks));
        Assert.That(timings.FirstLandedMicroseconds, Is.GreaterThan(0));
        Assert.That(timings.ReadBackDoneMicroseconds, Is.GreaterThanOrEqualTo(timings.FirstLandedMicroseconds));
        Assert.That(timings.UploadDoneMicroseconds, Is.GreaterThan(timings.ReadBackDoneMicroseconds));
        Assert.That(timings.TotalMicroseconds, Is.GreaterThanOrEqualTo(timings.UploadDoneMicroseconds));
    }

    [Test]
    public void MisuseIsNamed()
    {
        using var model = Load(LlamaBackend.Cpu);
        using var context = model.CreateContext(Small);
        using var live = InPlaceAdapter.Create(context, TinyModel.RandomAdapter(seed: 61));
        var otherRank = new AdapterPool([TinyModel.RandomAdapter(seed: 62, rank: 3)]);
        Assert.That(Assert.Throws<ArgumentException>(() => live.LayoutFor(otherRank, BlendMode.Linear))!.Message,
            Does.Contain("blk.0.attn_q").And.Contain("3×8"));
        Assert.Throws<ArgumentException>(() => live.Write(TinyModel.RandomAdapter(seed: 63, rank: 3)));

        // Values of the right shapes but another LoRA alpha, or only some of the targets, are refused before a byte is written.
        var before = live.Image.ToArray();
        var same = TinyModel.RandomAdapter(seed: 64);
        var otherAlpha = new LoraAdapter(same.Architecture, same.Alpha * 2, same.Pairs);
        var fewerTargets = new LoraAdapter(same.Architecture, same.Alpha, same.Pairs.Skip(1).ToList());
        Assert.That(Assert.Throws<ArgumentException>(() => live.Write(otherAlpha))!.Message, Does.Contain("LoRA alpha"));
        Assert.That(Assert.Throws<ArgumentException>(() => live.Write(fewerTargets))!.Message, Does.Contain("targets"));
        Assert.That(live.Image.ToArray(), Is.EqualTo(before), "a refused write leaves the image as it was");

        context.ApplyAdapters(AdapterSet.None);
        Assert.That(Assert.Throws<InvalidOperationException>(live.Commit)!.Message, Does.Contain("no longer applies"));
    }
}
