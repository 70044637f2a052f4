using Crayon.Adapters;
using Crayon.Formats.Gguf;
using Crayon.Server.Hosting;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// Blend weights large enough to overflow (3e38 in f32; 1e6 only once stored as f16) used to give a 200
/// with Inf/NaN weights that made generation print nothing. They are refused before any model sees them.
/// </summary>
public class HugeAlphaTests : TempFolderTest
{
    [Test]
    public async Task HugeAlphaIsRefusedAndTheServerStillBlends()
    {
        StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { Pools = [new PoolSource("tiny", PathIn("pool.gguf"))] });
        using var http = ServedStories.Client(server);
        foreach (var (json, field) in new[]
        {
            ("""{"pool":"tiny","alpha":[3e38,3e38,0,0]}""", "alpha[0]"),
            ("""{"pool":"tiny","alpha":[1e6,0,0,0],"storage":"f16"}""", "alpha[0]"),
            ("""{"pool":"tiny","alpha":[0,-1001,0,0]}""", "alpha[1]"),
        })
        {
            using var response = await http.PostAsync("v1/crayon/blend", ServedStories.Json(json));
            var body = await response.Content.ReadAsStringAsync();
            Assert.That((int)response.StatusCode, Is.EqualTo(400), $"{json}: {body}");
            Assert.That(body, Does.Contain($"\"param\":\"{field}\""), json);
        }
        using var ok = await http.PostAsync("v1/crayon/blend", ServedStories.Json("""{"pool":"tiny","alpha":[0.25,0.25,0.25,0.25],"storage":"f16"}"""));
        Assert.That((int)ok.StatusCode, Is.EqualTo(200), await ok.Content.ReadAsStringAsync());
        var adapter = LoraAdapterGguf.Read(await ok.Content.ReadAsByteArrayAsync());
        Assert.That(LoraWeightRange.FindOverflow(adapter, GgmlType.F16), Is.Null);
    }

    [Test]
    public void WeightsThatOverflowInStorageOrInTheProductAreFound()
    {
        var pool = StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        var first = pool.Adapters.Adapters[0];
        LoraAdapter Scaled(float a, float b) => new(first.Architecture, first.Alpha, first.Pairs.Select(p => new LoraPair(p.Target,
            new LoraMatrix(p.A.Rows, p.A.Cols, p.A.Data.Select(v => v * a).ToArray()), new LoraMatrix(p.B.Rows, p.B.Cols, p.B.Data.Select(v => v * b).ToArray()))).ToArray());

        Assert.That(LoraWeightRange.FindOverflow(first, GgmlType.F16), Is.Null, "the pool's own adapter is fine");
        // B past f16's range while B·A stays small: fine in f32, not once stored as f16.
        var wide = Scaled(1e-7f, 1e6f);
        Assert.That(LoraWeightRange.FindOverflow(wide, GgmlType.F32), Is.Null, "finite in f32");
        Assert.That(LoraWeightRange.FindOverflow(wide, GgmlType.F16), Does.Contain("lora_b").And.Contain("beyond F16"));
        Assert.Throws<ArgumentException>(() => LoraWeightRange.Require(wide, GgmlType.F16));
        // Every weight finite in f32, but their product overflows (what -w 3e38,3e38 made).
        Assert.That(LoraWeightRange.FindOverflow(Scaled(1f, 1e30f), GgmlType.F32), Does.Contain("update B·A"));
    }

    [Test]
    public void TheCliRefusesABlendThatOverflows()
    {
        var pool = StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        var files = pool.Adapters.Adapters.Take(2).Select((a, i) =>
        {
            var path = PathIn($"a{i}.gguf");
            LoraAdapterGguf.WriteFile(a, path);
            return path;
        }).ToArray();
        var refused = CrayonCli.Run("blend", "--pool", files[0], files[1], "-w", "3e38,3e38", "--backend", "cpu", "-o", PathIn("huge.gguf"));
        Assert.That(refused.ExitCode, Is.EqualTo(1), refused.Stdout + refused.Stderr);
        Assert.That(refused.Stderr, Does.Contain("not finite"));
        Assert.That(File.Exists(PathIn("huge.gguf")), Is.False, "nothing written");
        var fine = CrayonCli.Run("blend", "--pool", files[0], files[1], "-w", "0.5,0.5", "--backend", "cpu", "-o", PathIn("fine.gguf"));
        Assert.That(fine.ExitCode, Is.EqualTo(0), fine.Stdout + fine.Stderr);
    }
}
