using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// Each served pool is resident once on the blend device: the blend endpoint (/v1/crayon/blend) and the per-request
/// customizations blend the same uploaded copy, so serving both costs one upload (and its device memory) per pool.
/// </summary>
public class SharedResidentPoolTests : TempFolderTest
{
    [Test]
    public async Task TheBlendEndpointAndTheCustomizationsShareOneResidentPool()
    {
        using var fixture = new ServedCustomization(TempFolder.FullName);
        double[] alpha = [0.5, 0.25, 0.125, 0.125];
        var local = fixture.Local(alpha);
        await using var server = await ServedStories.StartAsync(fixture.Options(contexts: 2));
        using var http = ServedStories.Client(server);
        Assert.That(server.BlendUploads, Is.EqualTo(1), "one pool served: one upload at start, shared by the customizer");

        using var blend = await http.PostAsync("v1/crayon/blend", ServedStories.Json($$"""{"pool":"tiny","alpha":{{ServedCustomization.Json(alpha)}}}"""));
        Assert.That((int)blend.StatusCode, Is.EqualTo(200), await blend.Content.ReadAsStringAsync());
        PathAgreement.TokenLogProbability.AssertClose(await ServedCustomization.LogProbsAsync(http, ServedCustomization.Inline(alpha)), local,
            "a customization blended from the shared pool answers as the local customizer");
        using var again = await http.PostAsync("v1/crayon/blend", ServedStories.Json($$"""{"pool":"tiny","alpha":[0,1,0,0],"mode":"ties"}"""));
        Assert.That((int)again.StatusCode, Is.EqualTo(200), await again.Content.ReadAsStringAsync());
        Assert.That(server.BlendUploads, Is.EqualTo(1), "blends and customizations uploaded nothing more");
    }
}
