using Crayon.Llama;
using Crayon.Server.Hosting;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>/v1/embeddings gives the runtime's embedding signal: what LlamaEmbedder computes locally for the same text.</summary>
public class EmbeddingEndpointTests
{
    // One thread on both sides, the same llama.cpp CPU path; the server's context is longer (512 vs
    // the embedder's own), which may change kernel blocking: agree to the house tolerance, not bitwise.
    private const double Tolerance = 1e-4;

    [TestCase(EmbeddingSignal.Query)]
    [TestCase(EmbeddingSignal.Hidden)]
    public async Task TheServedEmbeddingIsTheLocalOne(EmbeddingSignal signal)
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { EmbeddingSignal = signal });
        using var http = ServedStories.Client(server);
        var (status, body) = await ServedStories.PostAsync(http, "v1/embeddings", """{"input":["Once upon a time","Lily went to the park"]}""");
        Assert.That(status, Is.EqualTo(200), body.ToString());
        using var model = ServedStories.LoadLocal();
        using var embedder = new LlamaEmbedder(model, new LlamaContextOptions { ContextLength = 512, Threads = 1 });
        var data = body.GetProperty("data");
        Assert.That(data.GetArrayLength(), Is.EqualTo(2));
        string[] texts = ["Once upon a time", "Lily went to the park"];
        for (var i = 0; i < texts.Length; i++)
        {
            var expected = embedder.Embed(texts[i], signal);
            var served = data[i].GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.That(data[i].GetProperty("index").GetInt32(), Is.EqualTo(i));
            Assert.That(served, Has.Length.EqualTo(expected.Length));
            for (var j = 0; j < served.Length; j++)
                Assert.That(served[j], Is.EqualTo(expected[j]).Within(Tolerance * Math.Max(1, Math.Abs(expected[j]))), $"text {i}, dimension {j}");
        }
        Assert.That(body.GetProperty("usage").GetProperty("prompt_tokens").GetInt32(),
            Is.EqualTo(texts.Sum(t => model.Tokenizer.Tokenize(t).Length)));
    }
}
