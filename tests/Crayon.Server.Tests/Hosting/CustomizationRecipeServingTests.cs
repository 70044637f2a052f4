using Crayon.Blending;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// "crayon": {pool, alpha, recipe}: the server blends the request's recipe (PEFT's merges included) into the slot of the
/// context serving it; the answer equals the local customizer's with the same recipe, and the recipe is part of the
/// customization's identity (its cache key and registered id).
/// </summary>
public class CustomizationRecipeServingTests : TempFolderTest
{
    // Same blend, same llama.cpp CPU path, but incremental decoding on the server: the house tolerance for one token's log-probability.
    private static readonly PathAgreement Tolerance = PathAgreement.TokenLogProbability;

    private static string Inline(double[] alpha, string recipe) =>
        $$"""{"pool":"{{ServedCustomization.Pool}}","alpha":{{ServedCustomization.Json(alpha)}},"recipe":"{{recipe}}"}""";

    [Test, Category(PathAgreement.Category)]
    public async Task ARequestWithARecipeEqualsTheLocalCustomizersAnswer()
    {
        using var fixture = new ServedCustomization(TempFolder.FullName);
        double[] a = [0.5, 0.25, 0.125, 0.125];
        const string ties = "ties:density=0.5", dare = "dare_linear:density=0.6,seed=2";
        var localLinear = fixture.Local(a);
        var localTies = fixture.Local(a, BlendRecipe.Parse(ties));
        var localDare = fixture.Local(a, BlendRecipe.Parse(dare));
        Assert.That(localTies, Is.Not.EqualTo(localLinear), "ties differs from linear (else this test proves nothing)");
        Assert.That(localDare, Is.Not.EqualTo(localTies));

        await using var server = await ServedStories.StartAsync(fixture.Options(contexts: 1));
        using var http = ServedStories.Client(server);
        var (status, registered) = await ServedStories.PostAsync(http, "v1/crayon/customizations", Inline(a, ties));
        Assert.That(status, Is.EqualTo(200), registered.ToString());
        var tiesId = registered.GetProperty("id").GetString()!;
        var (_, linearRegistered) = await ServedStories.PostAsync(http, "v1/crayon/customizations", ServedCustomization.Inline(a));
        Assert.That(linearRegistered.GetProperty("id").GetString(), Is.Not.EqualTo(tiesId), "the same alpha under another recipe is another customization");

        // Same alpha, recipe after recipe on one context: if the key left the recipe out, the second would re-attach the first's blend.
        Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, ServedCustomization.Inline(a)), localLinear, "linear (no recipe named)");
        Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, Inline(a, ties)), localTies, "ties inline, after linear with the same alpha");
        Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, Inline(a, dare)), localDare, "dare_linear inline");
        Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, $$"""{"customization":"{{tiesId}}"}"""), localTies, "ties by id");
        Tolerance.AssertClose(await ServedCustomization.LogProbsAsync(http, Inline(a, "linear")), localLinear, "linear named");
    }

    [Test]
    public async Task AnUnknownOrUnsuitableRecipeIsA400NamingTheField()
    {
        using var fixture = new ServedCustomization(TempFolder.FullName);
        await using var server = await ServedStories.StartAsync(fixture.Options(contexts: 1));
        using var http = ServedStories.Client(server);
        foreach (var (path, json, param, words) in new[]
        {
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny","alpha":[1,0,0,0],"recipe":"blend_all"}"""), "crayon.recipe", "unknown blend recipe 'blend_all'"),
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny","alpha":[1,0,0,0],"recipe":"ties:density=3"}"""), "crayon.recipe", "density"),
            ("v1/completions", ServedCustomization.Request("""{"pool":"tiny","alpha":[1,-1,0,0],"recipe":"ties"}"""), "crayon.alpha", "ties"),
            ("v1/completions", ServedCustomization.Request("""{"customization":"cz-x","recipe":"ties"}"""), "crayon.customization", "recipe"),
            ("v1/crayon/customizations", """{"pool":"tiny","alpha":[1,0,0,0],"recipe":"tiez"}""", "recipe", "magnitude_prune"),
        })
        {
            var (status, body) = await ServedStories.PostAsync(http, path, json);
            Assert.That(status, Is.EqualTo(400), $"{json}: {body}");
            var error = body.GetProperty("error");
            Assert.That(error.GetProperty("param").GetString(), Is.EqualTo(param), $"{json}: {body}");
            Assert.That(error.GetProperty("message").GetString(), Does.Contain(words), $"{json}: {body}");
        }
        Assert.That(await ServedCustomization.LogProbsAsync(http, Inline([0.25, 0.25, 0.25, 0.25], "magnitude_prune")), Has.Length.EqualTo(ServedCustomization.MaxTokens),
            "the server still serves a valid recipe after the refusals");
    }
}
