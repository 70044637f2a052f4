using Crayon.Server.Hosting;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// A JSON string may escape a lone UTF-16 surrogate ("\ud800"): valid JSON, but no Unicode text. Every
/// place a client puts text gets a 400 naming the field (not a 500), and the server answers normally after.
/// </summary>
public class MalformedTextTests : TempFolderTest
{
    private const string Lone = "\\ud800";

    [Test]
    public async Task LoneSurrogatesAreRefusedByFieldAndTheServerGoesOn()
    {
        StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { Pools = [new PoolSource("tiny", PathIn("pool.gguf"))] });
        using var http = ServedStories.Client(server);
        (string Path, string Json, string Field)[] cases =
        [
            ("v1/completions", $$"""{"prompt":"a{{Lone}}b"}""", "prompt"),
            ("v1/completions", $$"""{"prompt":["ok","{{Lone}}"]}""", "prompt[1]"),
            ("v1/completions", $$"""{"prompt":"x","stop":["{{Lone}}"]}""", "stop[0]"),
            ("v1/completions", $$"""{"prompt":"x","model":"{{Lone}}"}""", "model"),
            ("v1/chat/completions", $$"""{"messages":[{"role":"{{Lone}}","content":"hi"}]}""", "messages[0].role"),
            ("v1/chat/completions", $$"""{"messages":[{"role":"user","content":"{{Lone}}"}]}""", "messages[0].content"),
            ("v1/chat/completions", $$"""{"messages":[{"role":"user","content":[{"type":"text","text":"{{Lone}}"}]}]}""", "messages[0].content[0].text"),
            ("v1/embeddings", $$"""{"input":"{{Lone}}"}""", "input"),
            ("v1/crayon/blend", $$"""{"pool":"{{Lone}}","alpha":[1,0,0,0]}""", "pool"),
        ];
        foreach (var (path, json, field) in cases)
        {
            var (status, body) = await ServedStories.PostAsync(http, path, json);
            Assert.That(status, Is.EqualTo(400), $"{path} {json}: {body}");
            var error = body.GetProperty("error");
            Assert.That(error.GetProperty("param").GetString(), Is.EqualTo(field), json);
            Assert.That(error.GetProperty("message").GetString(), Does.Contain("lone surrogate"), json);
        }
        // A lone surrogate in a field NAME is refused too.
        var (nameStatus, _) = await ServedStories.PostAsync(http, "v1/completions", $$"""{"prompt":"x","{{Lone}}":1}""");
        Assert.That(nameStatus, Is.EqualTo(400));

        var (ok, answer) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once","max_tokens":4,"temperature":0}""");
        Assert.That(ok, Is.EqualTo(200), answer.ToString());
        Assert.That(answer.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), Is.GreaterThan(0));
    }
}
