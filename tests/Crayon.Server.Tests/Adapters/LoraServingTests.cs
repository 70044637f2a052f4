using System.Text.Json;
using Crayon.Adapters;
using Crayon.Server.Adapters;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// --lora adapters served with llama-server's per-request "lora" field and /lora-adapters. The point
/// of llama.cpp issue #26207: nothing computed under one adapter set (KV cache, prompt prefix) may be
/// reused under another. Requests that alternate adapter sets on the server's only context must each
/// give exactly what a fresh server with only that set gives.
/// </summary>
public class LoraServingTests : TempFolderTest
{
    private const string Prompt = "Once upon a time";

    // Same llama.cpp path and thread count on both sides; the KV cache is rebuilt from scratch for each
    // request, so the values agree far below this (the house tolerance for two llama.cpp paths).
    private const double Tolerance = 1e-4;

    private string WriteAdapter()
    {
        var pool = StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        var path = PathIn("lora0.gguf");
        LoraAdapterGguf.WriteFile(pool.Adapters.Adapters[0], path);
        return path;
    }

    private static async Task<double[]> LogProbsAsync(HttpClient http, string? lora)
    {
        var json = $$"""{"prompt":"{{Prompt}}","max_tokens":12,"temperature":0,"logprobs":0{{(lora is null ? "" : $",\"lora\":{lora}")}}}""";
        var (status, body) = await ServedStories.PostAsync(http, "v1/completions", json);
        Assert.That(status, Is.EqualTo(200), body.ToString());
        return body.GetProperty("choices")[0].GetProperty("logprobs").GetProperty("token_logprobs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    private static async Task<double[]> AloneAsync(string adapter, float scale)
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 1) with { Loras = [new LoraSource(adapter, scale)] });
        using var http = ServedStories.Client(server);
        return await LogProbsAsync(http, null);
    }

    private static void AssertClose(double[] actual, double[] expected, string what)
    {
        Assert.That(actual, Has.Length.EqualTo(expected.Length), what);
        for (var i = 0; i < actual.Length; i++)
            Assert.That(actual[i], Is.EqualTo(expected[i]).Within(Tolerance * Math.Max(1, Math.Abs(expected[i]))), $"{what}: token {i}");
    }

    [Test]
    public async Task AlternatingAdapterSetsOnOneContextNeverReuseEachOthersCache()
    {
        var adapter = WriteAdapter();
        var aloneWithAdapter = await AloneAsync(adapter, 3f);
        var aloneBase = await AloneAsync(adapter, 0f);
        Assert.That(aloneWithAdapter, Is.Not.EqualTo(aloneBase), "the adapter changes the answer's log-probabilities (else this test proves nothing)");

        await using var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 1) with { Loras = [new LoraSource(adapter, 1f)] });
        using var http = ServedStories.Client(server);
        for (var round = 0; round < 3; round++)
        {
            AssertClose(await LogProbsAsync(http, """[{"id":0,"scale":3}]"""), aloneWithAdapter, $"round {round}, adapter ×3");
            AssertClose(await LogProbsAsync(http, "[]"), aloneBase, $"round {round}, no adapter (lora: [])");
            AssertClose(await LogProbsAsync(http, """[{"id":0,"scale":0}]"""), aloneBase, $"round {round}, adapter ×0");
        }

        // Interleaved from several clients at once: each answer is still the one of its own set.
        var tasks = Enumerable.Range(0, 12).Select(async i =>
        {
            var withAdapter = i % 2 == 0;
            var got = await LogProbsAsync(http, withAdapter ? """[{"id":0,"scale":3}]""" : "[]");
            AssertClose(got, withAdapter ? aloneWithAdapter : aloneBase, $"concurrent request {i}");
        });
        await Task.WhenAll(tasks);
    }

    [Test]
    public async Task LoraAdaptersListsAndSetsTheGlobalScales()
    {
        var adapter = WriteAdapter();
        var aloneWithAdapter = await AloneAsync(adapter, 3f);
        var aloneBase = await AloneAsync(adapter, 0f);
        await using var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 1) with { Loras = [new LoraSource(adapter, 0f)] });
        using var http = ServedStories.Client(server);

        var listed = JsonDocument.Parse(await http.GetStringAsync("lora-adapters")).RootElement;
        Assert.That(listed.GetArrayLength(), Is.EqualTo(1));
        Assert.That(listed[0].GetProperty("id").GetInt32(), Is.EqualTo(0));
        Assert.That(listed[0].GetProperty("path").GetString(), Is.EqualTo(adapter));
        Assert.That(listed[0].GetProperty("scale").GetDouble(), Is.EqualTo(0));
        AssertClose(await LogProbsAsync(http, null), aloneBase, "global scale 0");

        var (status, body) = await ServedStories.PostAsync(http, "lora-adapters", """[{"id":0,"scale":3}]""");
        Assert.That(status, Is.EqualTo(200), body.ToString());
        Assert.That(body.GetProperty("success").GetBoolean(), Is.True);
        Assert.That(JsonDocument.Parse(await http.GetStringAsync("lora-adapters")).RootElement[0].GetProperty("scale").GetDouble(), Is.EqualTo(3));
        AssertClose(await LogProbsAsync(http, null), aloneWithAdapter, "global scale 3");
        AssertClose(await LogProbsAsync(http, "[]"), aloneBase, "a request's own list overrides the global scales");

        foreach (var (path, json, says) in new[]
        {
            ("lora-adapters", """[{"id":5,"scale":1}]""", "field '[0].id' is 5 but this server serves adapters 0 to 0"),
            ("lora-adapters", """{"id":0}""", "must be an array"),
            ("lora-adapters", """[{"id":0,"scale":1e9}]""", "field '[0].scale' must be a number between -100 and 100"),
            ("v1/completions", """{"prompt":"x","lora":[{"id":1,"scale":1}]}""", "field 'lora[0].id' is 1"),
            ("v1/completions", """{"prompt":"x","lora":[{"id":0,"scale":1},{"id":0,"scale":2}]}""", "field 'lora[1].id' names adapter 0 a second time"),
            ("v1/chat/completions", """{"messages":[{"role":"user","content":"x"}],"lora":[{"id":0,"weight":1}]}""", "field 'lora[0].weight' is not supported"),
        })
        {
            var (bad, error) = await ServedStories.PostAsync(http, path, json);
            Assert.That(bad, Is.EqualTo(400), json);
            Assert.That(error.GetProperty("error").GetProperty("message").GetString(), Does.Contain(says), json);
        }
        AssertClose(await LogProbsAsync(http, null), aloneWithAdapter, "after the refusals");
    }
}
