using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Cli.Commands;
using Crayon.Formats.Gguf;
using Crayon.Interop.Blend;
using Crayon.Server.Hosting;
using Crayon.Tests.Cli;
using Crayon.Tests.Server;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>
/// The recipe seam: one name, parsed in one place, refused by name wherever it enters (C#, CLI, server), and a mode number the
/// native plugin does not know is an error there, never a linear blend.
/// </summary>
public class RecipeNamesTests : TempFolderTest
{
    [TestCase("linear")]
    [TestCase("concat")]
    [TestCase("ties:density=0.3,majority_sign=frequency")]
    [TestCase("dare_linear:density=0.25,seed=18446744073709551615")]
    [TestCase("dare_ties:density=1,majority_sign=total,seed=0")]
    [TestCase("magnitude_prune:density=0.125")]
    public void TheTextFormRoundTrips(string text) => Assert.That(BlendRecipe.Parse(text).ToString(), Is.EqualTo(text));

    [Test]
    public void ParsingFillsDefaultsAndIgnoresCase()
    {
        Assert.That(BlendRecipe.Parse("TIES"), Is.EqualTo(BlendRecipe.Ties(BlendRecipe.DefaultDensity, MajoritySignMethod.Total)));
        Assert.That(BlendRecipe.Parse("dare_linear:seed=9"), Is.EqualTo(BlendRecipe.DareLinear(0.5f, 9)));
        Assert.That((BlendRecipe)BlendMode.Concat, Is.SameAs(BlendRecipe.Concat));
    }

    [TestCase("bogus", "unknown blend recipe 'bogus'")]
    [TestCase("tie", "unknown blend recipe 'tie'")]
    [TestCase("ties:density=0", "density must be in (0, 1]")]
    [TestCase("ties:density=1.5", "density must be in (0, 1]")]
    [TestCase("ties:density=abc", "density 'abc' is not a number")]
    [TestCase("ties:majority_sign=mode", "majority_sign 'mode' is not total or frequency")]
    [TestCase("ties:seed=3", "seed applies to dare_linear and dare_ties only")]
    [TestCase("linear:density=0.5", "density applies to the merge recipes only")]
    [TestCase("dare_ties:speed=3", "unknown parameter 'speed'")]
    [TestCase("dare_linear:seed=-1", "seed '-1' is not a whole number")]
    public void BadTextIsRefusedByName(string text, string reason)
    {
        var error = Assert.Catch<FormatException>(() => BlendRecipe.Parse(text))!;
        Assert.That(error.Message, Does.Contain(reason));
        if (reason.StartsWith("unknown blend recipe", StringComparison.Ordinal))
        {
            Assert.That(error, Is.TypeOf<UnknownBlendRecipeException>());
            Assert.That(error.Message, Does.Contain("linear, concat, ties, dare_linear, dare_ties, magnitude_prune"));
        }
    }

    [Test]
    public void TheCliRefusesAnUnknownRecipeByNameAndWritesNothing()
    {
        var pool = new RandomAdapters().Pool(2, rank: 2, RandomAdapters.OddTargets);
        var files = pool.Adapters.Select((a, i) =>
        {
            var path = PathIn($"a{i}.gguf");
            LoraAdapterGguf.WriteFile(a, path);
            return path;
        }).ToArray();
        var (code, _, stderr) = CliRunner.Run(BlendCommand.Create(), ["blend", "--pool", .. files, "--weights", "1,1", "--mode", "tiez",
            "--backend", "cpu", "-o", PathIn("out.gguf")]);
        Assert.That(code, Is.EqualTo(2), "a usage error");
        Assert.That(stderr, Does.Contain("--mode").And.Contain("unknown blend recipe 'tiez'").And.Contain("dare_ties"));
        Assert.That(File.Exists(PathIn("out.gguf")), Is.False);
    }

    [Test]
    public void TheCliBlendsAMergeRecipeAsTheLibraryDoes()
    {
        var pool = new RandomAdapters().Pool(3, rank: 2, RandomAdapters.OddTargets);
        var files = pool.Adapters.Select((a, i) =>
        {
            var path = PathIn($"a{i}.gguf");
            LoraAdapterGguf.WriteFile(a, path);
            return path;
        }).ToArray();
        const string recipe = "dare_ties:density=0.4,majority_sign=frequency,seed=5";
        var (code, _, stderr) = CliRunner.Run(BlendCommand.Create(), ["blend", "--pool", .. files, "--weights", "0.5,1,0.25", "--mode", recipe,
            "--backend", "cpu", "-o", PathIn("out.gguf")]);
        Assert.That(code, Is.Zero, stderr);

        using var resident = Backends.Get(BlendBackend.Cpu).Upload(new AdapterPool(files.Select(LoraAdapterGguf.Read).ToArray()), PoolStorage.Float32);
        var expected = resident.Blend([0.5f, 1f, 0.25f], BlendRecipe.Parse(recipe)).Adapter;
        var written = LoraAdapterGguf.Read(PathIn("out.gguf"));
        for (var t = 0; t < expected.Pairs.Count; t++)
        {
            Assert.That(written.Pairs[t].A.Data, Is.EqualTo(expected.Pairs[t].A.Data));
            Assert.That(written.Pairs[t].B.Data, Is.EqualTo(expected.Pairs[t].B.Data));
        }
    }

    [Test]
    public void CustomizeRefusesAnUnknownRecipeByNameAndTakesEveryKnownOne()
    {
        Assert.That(() => AlphaCommandOptions.Parse("bogus"),
            Throws.InstanceOf<ArgumentException>().With.Message.Contains("--recipe").And.Message.Contains("unknown blend recipe 'bogus'")
                .And.Message.Contains("magnitude_prune").And.Message.Contains("mix"));
        Assert.That(() => AlphaCommandOptions.Parse("ties:density=2"), Throws.InstanceOf<ArgumentException>().With.Message.Contains("--recipe").And.Message.Contains("density"));
        Assert.Multiple(() =>
        {
            Assert.That(AlphaCommandOptions.Parse("ties:density=0.3").Recipe, Is.EqualTo(BlendRecipe.Ties(0.3f)));
            Assert.That(AlphaCommandOptions.Parse("mix").IsRuntimeMix, Is.True);
            foreach (var name in BlendRecipe.Names) Assert.That(AlphaCommandOptions.Parse(name).Recipe!.Name, Is.EqualTo(name));
        });
    }

    [Test]
    public async Task TheServerRefusesAnUnknownRecipeByNameAndBlendsAKnownOne()
    {
        var pool = StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { Pools = [new PoolSource("tiny", PathIn("pool.gguf"))] });
        using var http = ServedStories.Client(server);

        var (status, error) = await ServedStories.PostAsync(http, "v1/crayon/blend", """{"pool":"tiny","alpha":[1,0,0,0],"mode":"merge_all"}""");
        Assert.That(status, Is.EqualTo(400));
        Assert.That(error.GetProperty("error").GetProperty("message").GetString(),
                    Does.Contain("mode").And.Contain("unknown blend recipe 'merge_all'").And.Contain("dare_linear"));

        using var response = await http.PostAsync("v1/crayon/blend",
            ServedStories.Json("""{"pool":"tiny","alpha":[0.55,0.125,0.3,0.275],"mode":"ties:density=0.6"}"""));
        Assert.That((int)response.StatusCode, Is.EqualTo(200), await response.Content.ReadAsStringAsync());
        using var blender = Blender.Create(new BlenderOptions { Backend = BlendBackend.Cpu });
        using var local = blender.Upload(pool.Adapters, PoolStorage.Float32);
        var expected = local.Blend([0.55f, 0.125f, 0.3f, 0.275f], BlendRecipe.Ties(0.6f));
        Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(LoraAdapterGguf.ToBytes(expected.Adapter, GgmlType.F32)));
    }

    [Test]
    public void TheNativePluginRefusesAnUnknownModeNumberInsteadOfBlendingLinear([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        using var native = Pool(backend);
        native.Upload(0, [[1f, 2f, 3f, 4f, 5f, 6f]]);
        native.Upload(1, [[6f, 5f, 4f, 3f, 2f, 1f]]);
        var outputs = new[] { Enumerable.Repeat(float.NaN, 6).ToArray() };

        foreach (var mode in new uint[] { 6, 99, uint.MaxValue })
        {
            var error = Assert.Throws<BlendEngineException>(() => native.Blend(mode, [1f, 1f], [], outputs))!;
            Assert.That(error.Status, Is.EqualTo(BlendStatus.InvalidArgument));
            Assert.That(error.Message, Does.Contain($"blend mode {mode} is not one of").And.Contain("magnitude_prune (5)"));
            var sizing = Assert.Throws<BlendEngineException>(() => native.OutputElements(mode, 0, 0))!;
            Assert.That(sizing.Message, Does.Contain($"blend mode {mode}"));
        }
        Assert.That(outputs.All(o => o.All(float.IsNaN)), "nothing was written");
    }

    [Test]
    public void TheNativePluginChecksTheMergeParameters([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        using var native = Pool(backend);
        var density = Assert.Throws<BlendEngineException>(() => native.Blend(2, [1f, 1f], [], null, new NativeMergeParameters(0f, 0, 0)))!;
        Assert.That(density.Message, Does.Contain("ties density is 0").And.Contain("(0, 1]"));
        var sign = Assert.Throws<BlendEngineException>(() => native.Blend(4, [1f, 1f], [], null, new NativeMergeParameters(0.5f, 2, 0)))!;
        Assert.That(sign.Message, Does.Contain("dare_ties majority_sign is 2"));
        var negative = Assert.Throws<BlendEngineException>(() => native.Blend(5, [1f, -1f], [], null, new NativeMergeParameters(0.5f, 0, 0)))!;
        Assert.That(negative.Message, Does.Contain("weights[1] is -1").And.Contain("magnitude_prune"));
        var stacked = Assert.Throws<BlendEngineException>(() => native.Blend(3, [1f, 1f], [0u], null, new NativeMergeParameters(0.5f, 0, 0)))!;
        Assert.That(stacked.Message, Does.Contain("dare_linear blend uses every adapter"));
    }

    /// <summary>A native pool of two adapters of one 2×3 tensor, reached past the C# checks.</summary>
    private static NativePool Pool(BlendBackend backend)
    {
        if (backend == BlendBackend.Vulkan) Backends.RequireVulkan();
        using var engine = NativeEngine.Create(new BlenderOptions { Backend = backend });
        return engine.CreatePool(2, [new NativeTensorDesc { Rows = 2, Cols = 3 }], PoolStorage.Float32);
    }
}
