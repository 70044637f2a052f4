using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Formats.Gguf;
using Crayon.Hybrid.Customization;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Server.Hosting;
using Crayon.Tests.Llama;
using Crayon.Tests.Server;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Hybrid;

/// <summary>
/// `ask --pool-id`'s path (<see cref="RemoteCustomizer"/>) against a real server on loopback: the server's blend lands in
/// the context's live adapter slot, loaded once, then written in place (no llama.cpp reload), and the logits equal a fresh
/// load of the same blend made locally, bit for bit (the server blends the fp32 pool with the same CPU kernels).
/// </summary>
public class RemoteCustomizationSlotTests : TempFolderTest
{
    private static float[] LocalReference(LlamaModel model, AdapterPool pool, double[] alpha)
    {
        using var blender = Blender.Create(new BlenderOptions { Backend = BlendBackend.Cpu });
        using var resident = blender.Upload(pool, PoolStorage.Float32);
        var blend = resident.Blend(alpha.Select(a => (float)a).ToArray(), BlendRecipe.Linear).Adapter;
        using var adapter = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(blend, GgmlType.F32), "local blend");
        using var context = model.CreateContext(LlamaTestRuntime.Context(512));
        context.ApplyAdapters(AdapterSet.Single(adapter));
        return context.EvaluateLogits("Once upon a time");
    }

    [Test]
    public async Task ASecondRemoteCustomizationLandsInPlaceAndEqualsAFreshLoadOfTheSameBlend()
    {
        var pool = StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with
        {
            Pools = [new PoolSource("p", PathIn("pool.gguf"))], BlendBackend = BlendBackend.Cpu,
        });
        using var model = ServedStories.LoadLocal();
        using var endpoint = new OpenAiEndpoint(new OpenAiEndpointOptions { BaseUrl = server.BaseUrl });
        using var remote = new RemoteCustomizer(endpoint);
        using var context = model.CreateContext(LlamaTestRuntime.Context(512));
        var identity = StoriesPool.Model(PathIn("stories.gguf"));
        // Two task embeddings pointing at different centroids give two different alphas.
        var first = await remote.CustomizeAsync(context, identity, "p", pool.Centroids[0], pool.Signal);
        Assert.That(first.Succeeded, Is.True, first.Failure?.ToString());
        var firstLogits = context.EvaluateLogits("Once upon a time");
        var adaptersAfterFirst = context.Adapters.Entries.Select(e => e.Adapter).ToArray();
        var second = await remote.CustomizeAsync(context, identity, "p", pool.Centroids[2], pool.Signal);
        Assert.That(second.Succeeded, Is.True, second.Failure?.ToString());
        var secondLogits = context.EvaluateLogits("Once upon a time");

        Assert.Multiple(() =>
        {
            Assert.That(first.Value!.Swap, Is.EqualTo(SwapKind.Loaded));
            Assert.That(second.Value!.Swap, Is.EqualTo(SwapKind.InPlace), "the same shape is written in place, not loaded again");
            Assert.That(context.Adapters.Entries.Select(e => e.Adapter), Is.EqualTo(adaptersAfterFirst), "the same llama.cpp adapter stays applied");
            Assert.That(second.Value.Alpha, Is.Not.EqualTo(first.Value.Alpha), "two different customizations (else this test proves nothing)");
            Assert.That(secondLogits, Is.Not.EqualTo(firstLogits), "the in-place write reached llama.cpp's tensors");
            Assert.That(firstLogits, Is.EqualTo(LocalReference(model, pool.Adapters, first.Value.Alpha)));
            Assert.That(secondLogits, Is.EqualTo(LocalReference(model, pool.Adapters, second.Value.Alpha)));
        });
    }
}
