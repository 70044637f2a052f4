using System.Text.Json;
using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Server.Hosting;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>/v1/crayon/blend answers exactly the adapter a local blend of the same pool makes, byte for byte.</summary>
public class BlendEndpointTests : TempFolderTest
{
    [Test]
    public async Task TheServedBlendIsTheLocalBlendBitForBit()
    {
        var pool = StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { Pools = [new PoolSource("tiny", PathIn("pool.gguf"))] });
        using var http = ServedStories.Client(server);
        using var blender = Blender.Create(new BlenderOptions { Backend = BlendBackend.Cpu });
        using var local = blender.Upload(pool.Adapters, PoolStorage.Float32);
        float[] weights = [0.55f, -0.125f, 0.3f, 0.275f];

        foreach (var (json, mode, topK, storage) in new[]
        {
            ("""{"pool":"tiny","alpha":[0.55,-0.125,0.3,0.275]}""", BlendMode.Linear, (int?)null, GgmlType.F32),
            ("""{"pool":"tiny","alpha":[0.55,-0.125,0.3,0.275],"mode":"concat","top_k":2}""", BlendMode.Concat, 2, GgmlType.F32),
            ("""{"pool":"tiny","alpha":[0.55,-0.125,0.3,0.275],"mode":"concat","storage":"f16"}""", BlendMode.Concat, null, GgmlType.F16),
        })
        {
            using var response = await http.PostAsync("v1/crayon/blend", ServedStories.Json(json));
            Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/octet-stream"));
            var served = await response.Content.ReadAsByteArrayAsync();
            var expected = local.Blend(weights, mode, topK);
            Assert.That(served, Is.EqualTo(LoraAdapterGguf.ToBytes(expected.Adapter, storage)), $"{mode} top-k {topK} {storage}");
            Assert.That(response.Headers.GetValues("X-Crayon-Blended").Single(), Is.EqualTo(string.Join(",", expected.Blended)));
            Assert.That(LoraAdapterGguf.Read(served).Pairs[0].Rank, Is.EqualTo(mode == BlendMode.Concat ? 4 * (topK ?? 4) : 4));
        }

        var described = JsonDocument.Parse(await http.GetStringAsync("v1/crayon/pools/tiny")).RootElement;
        Assert.That(described.GetProperty("adapters").GetInt32(), Is.EqualTo(4));
        Assert.That(described.GetProperty("model").GetProperty("fingerprint").GetString(), Is.EqualTo(pool.Model.Fingerprint));
        var centroids = described.GetProperty("centroids").EnumerateArray().Select(c => c.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray();
        Assert.That(centroids, Is.EqualTo(pool.Centroids));
        var list = JsonDocument.Parse(await http.GetStringAsync("v1/crayon/pools")).RootElement.GetProperty("data");
        Assert.That(list[0].GetProperty("id").GetString(), Is.EqualTo("tiny"));
        Assert.That(list[0].TryGetProperty("centroids", out _), Is.False, "the list stays small");

        var (status, error) = await ServedStories.PostAsync(http, "v1/crayon/blend", """{"pool":"tiny","alpha":[1,0]}""");
        Assert.That(status, Is.EqualTo(400));
        Assert.That(error.GetProperty("error").GetProperty("message").GetString(), Does.Contain("field 'alpha' has 2 weights but pool 'tiny' has 4 adapters"));
        (status, error) = await ServedStories.PostAsync(http, "v1/crayon/blend", """{"pool":"other","alpha":[1,0,0,0]}""");
        Assert.That(status, Is.EqualTo(404));
        Assert.That(error.GetProperty("error").GetProperty("message").GetString(), Does.Contain("known pools: tiny"));
    }
}
