using Crayon.Tasks;
using System.Text.Json;
using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Hybrid;
using Crayon.Hybrid.Customization;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Server.Hosting;
using Crayon.Tests.Llama;
using Crayon.Tests.Server;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Hybrid;

/// <summary>
/// Customization through the server: the device uploads only the pool id, alpha and the blend mode, and
/// the adapter it gets back computes exactly what the same blend made locally computes.
/// </summary>
public class RemoteCustomizationTests : TempFolderTest
{
    [Test]
    public async Task TheBlendPathSendsAlphaAndNeverTheUsersExamples()
    {
        var pool = StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { Pools = [new PoolSource("stories-pool", PathIn("pool.gguf"))] });
        using var model = ServedStories.LoadLocal();
        using var embedder = new LlamaEmbedder(model, LlamaTestRuntime.Context(512));
        var (taskEmbedding, _) = HybridDevice.TaskEmbeddingOf(embedder, HybridFixture.Examples.AsQueries(), EmbeddingSignal.Query, Crayon.Evaluation.QaModelScorer.BudgetFor(512));

        var recorder = new RecordingHandler();
        using var endpoint = new OpenAiEndpoint(new OpenAiEndpointOptions { BaseUrl = server.BaseUrl }, recorder);
        using var customizer = new RemoteCustomizer(endpoint);
        using var context = model.CreateContext(LlamaTestRuntime.Context(512));
        var baseLogits = context.EvaluateLogits("Once upon a time");
        var call = await customizer.CustomizeAsync(context, StoriesPool.Model(PathIn("stories.gguf")), "stories-pool", taskEmbedding, EmbeddingSignal.Query);
        Assert.That(call.Succeeded, Is.True, call.Failure?.ToString());
        Assert.That(call.Value!.Swap, Is.EqualTo(SwapKind.Loaded), "the first blend of a shape loads once");
        var remoteLogits = context.EvaluateLogits("Once upon a time");

        // What left the device: one GET for the centroids, one POST with id, alpha and mode.
        Assert.That(recorder.Requests.Select(r => $"{r.Method} {r.Uri.AbsolutePath}"), Is.EqualTo(new[] { "GET /v1/crayon/pools/stories-pool", "POST /v1/crayon/blend" }));
        var wire = string.Join("\n", recorder.Requests.Select(r => r.Wire));
        foreach (var example in HybridFixture.Examples)
        {
            Assert.That(wire, Does.Not.Contain(example.Question), example.Id);
            foreach (var word in example.Question.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length >= 4))
                Assert.That(wire, Does.Not.Contain(word.Trim('.', '?', ',')), $"a word of {example.Id}");
            foreach (var choice in example.Choices.Where(c => c.Trim().Length >= 3))
                Assert.That(wire, Does.Not.Contain(choice.Trim()), $"a choice of {example.Id}");
        }
        var posted = JsonDocument.Parse(recorder.Requests[1].Body).RootElement;
        Assert.That(posted.EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "pool", "alpha", "mode" }), "only these fields");
        var expectedAlpha = BlendAlpha.FromEmbedding(taskEmbedding, pool.Centroids).Alpha;
        Assert.That(posted.GetProperty("alpha").EnumerateArray().Select(v => v.GetDouble()), Is.EqualTo(expectedAlpha).Within(1e-6), "alpha computed on the device");
        Assert.That(recorder.Requests[1].Body.Length, Is.LessThan(200), "a handful of numbers, not the examples");
        Assert.That(call.Value.BytesSent, Is.EqualTo(recorder.Requests.Sum(r => r.Body.Length)));

        // The adapter from the server computes what a local blend of the same pool computes.
        using var blender = Blender.Create(new BlenderOptions { Backend = BlendBackend.Cpu });
        using var resident = blender.Upload(pool.Adapters, PoolStorage.Float32);
        var localBlend = resident.Blend(expectedAlpha.Select(a => (float)a).ToArray(), BlendMode.Linear);
        using var local = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(localBlend.Adapter), "local blend");
        context.ApplyAdapters(AdapterSet.Single(local));
        Assert.That(context.EvaluateLogits("Once upon a time"), Is.EqualTo(remoteLogits));
        Assert.That(remoteLogits, Is.Not.EqualTo(baseLogits), "the adapter changes the model");
    }

    [Test]
    public async Task APoolBuiltForAnotherModelIsRefusedByName()
    {
        StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { Pools = [new PoolSource("p", PathIn("pool.gguf"))] });
        using var model = ServedStories.LoadLocal();
        using var endpoint = new OpenAiEndpoint(new OpenAiEndpointOptions { BaseUrl = server.BaseUrl });
        using var remote = new RemoteCustomizer(endpoint);
        using var context = model.CreateContext(LlamaTestRuntime.Context(512));
        var other = new PoolModel("other-model", "llama", new string('b', 64));
        var error = (await Assert.ThrowsAsync<PoolMismatchException>(() => remote.CustomizeAsync(context, other, "p", new float[64], EmbeddingSignal.Query)))!;
        Assert.That(error.Message, Does.Contain("server pool 'p' was built for model 'stories260K'").And.Contain("not for the device's 'other-model'"));
        var missing = await remote.CustomizeAsync(context, other, "nope", new float[64], EmbeddingSignal.Query);
        Assert.That(missing.Failure!.ToString(), Does.Contain("HTTP 404").And.Contain("known pools: p"));
    }
}
