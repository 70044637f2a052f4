using Crayon.Server.Customizations;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// Crayon's per-request customization: "crayon": {pool, alpha} (or a registered id) blends the pool on the server's
/// blend device and lands it in place in the context serving the request. Each answer must equal the same blend
/// loaded locally, whatever ran on that context before (another customization, a plain request), since nothing
/// cached under one adapter may be reused under another.
/// </summary>
public class CustomizationServingTests : TempFolderTest
{
    // Server and local run the same llama.cpp CPU path on the same blend (fp32, linear, CPU kernels), but the server
    // decodes incrementally and may run on another CPU variant: the house tolerance for one token's log-probability.
    private static readonly PathAgreement Tolerance = PathAgreement.TokenLogProbability;

    [Test, Category(PathAgreement.Category)]
    public async Task ACustomizedCompletionEqualsTheSameBlendLoadedLocally([Values] CustomizationSwap swap)
    {
        using var fixture = new ServedCustomization(TempFolder.FullName);
        double[] a = [0.5, 0.25, 0.125, 0.125], b = [0, 1.5, 0, 0.5];
        var localA = fixture.Local(a);
        var localB = fixture.Local(b);
        var localBase = fixture.Local(null);
        Assert.That(localA, Is.Not.EqualTo(localBase), "the customization changes the log-probabilities (else this test proves nothing)");
        Assert.That(localA, Is.Not.EqualTo(localB), "two customizations differ (else swapping proves nothing)");

        // Reload (a fresh adapter per turn) is bench serve's baseline; it must answer the same.
        await using var server = await ServedStories.StartAsync(fixture.Options(contexts: 1) with { CustomizationSwap = swap });
        using var http = ServedStories.Client(server);
        var (status, registered) = await ServedStories.PostAsync(http, "v1/crayon/customizations", $$"""{"pool":"tiny","alpha":{{ServedCustomization.Json(b)}}}""");
        Assert.That(status, Is.EqualTo(200), registered.ToString());
        var idB = registered.GetProperty("id").GetString()!;
        var (_, again) = await ServedStories.PostAsync(http, "v1/crayon/customizations", $$"""{"pool":"tiny","alpha":{{ServedCustomization.Json(b)}}}""");
        Assert.That(again.GetProperty("id").GetString(), Is.EqualTo(idB), "the same customization registered twice has one id");

        // One context: every step lands on the context the previous one left (first load, in place, re-attach, plain in between).
        for (var round = 0; round < 2; round++)
        {
            Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, ServedCustomization.Inline(a)), localA, $"round {round}: a, inline");
            Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, ServedCustomization.Inline(a)), localA, $"round {round}: a again on the context holding it");
            Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, $$"""{"customization":"{{idB}}"}"""), localB, $"round {round}: b by id, swapped in place");
            Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, null), localBase, $"round {round}: a plain request after a customization");
            Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, $$"""{"customization":"{{idB}}"}"""), localB, $"round {round}: b after a plain request");
        }
    }

    [Test]
    public async Task BadCustomizationsAre400sNamingTheField()
    {
        using var fixture = new ServedCustomization(TempFolder.FullName);
        await using var server = await ServedStories.StartAsync(fixture.Options(contexts: 1));
        using var http = ServedStories.Client(server);
        foreach (var (path, json, param) in new[]
        {
            ("v1/completions", ServedCustomization.Request("""{"pool":"nope","alpha":[1,0,0,0]}"""), "crayon.pool"),
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny","alpha":[1,0]}"""), "crayon.alpha"),
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny","alpha":[1e39,0,0,0]}"""), "crayon.alpha[0]"),
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny","alpha":[1,"NaN",0,0]}"""), "crayon.alpha[1]"),
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny","alpha":[0,0,-1001,0]}"""), "crayon.alpha[2]"),
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny","alpha":[0,0,0,0]}"""), "crayon.alpha"),
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny"}"""), "crayon.alpha"),
            ("v1/completions", ServedCustomization.Request("""{"customization":"cz-unknown"}"""), "crayon.customization"),
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny","alpha":[1,0,0,0],"examples":["hi"]}"""), "crayon.examples"),
            ("v1/completions", ServedCustomization.Request("\"tiny\""), "crayon"),
            ("v1/completions", """{"prompt":"x","max_tokens":2,"lora":[],"crayon":{"pool":"tiny","alpha":[1,0,0,0]}}""", "crayon"),
            ("v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}],"max_tokens":2,"crayon":{"pool":"tiny","alpha":[1,0]}}""", "crayon.alpha"),
            ("v1/crayon/customizations", """{"pool":"nope","alpha":[1,0,0,0]}""", "pool"),
            ("v1/crayon/customizations", """{"pool":"tiny","alpha":[1,0,0]}""", "alpha"),
            ("v1/crayon/customizations", """{"pool":"tiny","alpha":[3e38,0,0,0]}""", "alpha[0]"),
            ("v1/crayon/customizations", """{"pool":"tiny","examples":["Arr"]}""", "examples"),
        })
        {
            var (status, body) = await ServedStories.PostAsync(http, path, json);
            Assert.That(status, Is.EqualTo(400), $"{json}: {body}");
            Assert.That(body.GetProperty("error").GetProperty("param").GetString(), Is.EqualTo(param), $"{json}: {body}");
        }
        Assert.That(await ServedCustomization.LogProbsAsync(http, ServedCustomization.Inline([0.25, 0.25, 0.25, 0.25])), Has.Length.EqualTo(ServedCustomization.MaxTokens),
            "the server still customizes after the refusals");
    }
}
