using Crayon.Adapters;
using Crayon.Cli.Commands;
using Crayon.Formats.Gguf;
using Crayon.Pool;
using Crayon.Tests.Llama;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>
/// `crayon pool assemble` and `crayon pool extract` through the real command tree (issue 13): a pool from the two real
/// PEFT adapters in the shared data plus two generated GGUF LoRAs of the same shape, on a random model of their base's
/// exact shape (SmolLM-135M); `crayon customize` from it; every GGUF input extracted back byte for byte, and the PEFT
/// ones as the same factors `crayon import peft` gives.
/// </summary>
[NonParallelizable]
public class PoolAssembleCommandTests : TempFolderTest
{
    private const string Peft5 = "adapters/peft-smollm135m-medflash-5ep";
    private const string Peft100 = "adapters/peft-smollm135m-medflash-100ep";

    /// <summary>A LoRA of <paramref name="shape"/>'s targets and ranks with seeded random factors, as a GGUF of <paramref name="storage"/>.</summary>
    private string Generated(LoraAdapter shape, string name, int seed, GgmlType storage)
    {
        var random = new Random(seed);
        LoraMatrix Noise(LoraMatrix m) => new(m.Rows, m.Cols, Enumerable.Range(0, m.Data.Length).Select(_ => (float)(random.NextDouble() - 0.5) * 0.02f).ToArray());
        var adapter = new LoraAdapter(shape.Architecture, shape.Alpha, shape.Pairs.Select(p => new LoraPair(p.Target, Noise(p.A), Noise(p.B))).ToArray(),
            new Dictionary<string, string> { ["general.name"] = name });
        var path = PathIn(name + ".gguf");
        LoraAdapterGguf.WriteFile(adapter, path, storage);
        return path;
    }

    private string Lines(string name, params string[] lines)
    {
        File.WriteAllLines(PathIn(name), lines);
        return PathIn(name);
    }

    [Test]
    public void APoolOfTwoRealPeftAdaptersAndTwoGeneratedLorasCustomizesAndGivesItsAdaptersBack()
    {
        var model = SmolLmShapedModel.Path;
        var imported = PathIn("peft5.gguf");
        var import = CliRunner.Run(ImportCommand.Create(), "import", "peft", "--adapter", TestData.Require(Peft5), "--base", model, "-o", imported);
        Assert.That(import.ExitCode, Is.EqualTo(0), import.Error);
        var shape = LoraAdapterGguf.Read(imported);
        var generatedF16 = Generated(shape, "gen-f16", 1, GgmlType.F16);
        var generatedF32 = Generated(shape, "gen-f32", 2, GgmlType.F32);
        var medical = Lines("medical.txt", "What is the first-line treatment of hypertension?", "Which nerve innervates the diaphragm?", "Name a symptom of anemia.");
        var stories = Lines("stories.txt", "Once upon a time there was a little cat.", "The dog ran to the park to play.");
        var pool = PathIn("pool.gguf");

        var assemble = CliRunner.Run(PoolCommand.Create(), "pool", "assemble", "--model", model,
            "-a", TestData.Require(Peft5), "-e", medical, "-a", TestData.Require(Peft100), "-e", medical,
            "-a", generatedF16, "-e", stories, "-a", generatedF32, "-e", stories, "-o", pool);
        Assert.That(assemble.ExitCode, Is.EqualTo(0), assemble.Error);
        var artifact = AdapterPoolFile.Read(pool);
        Assert.That(artifact.Count, Is.EqualTo(4));
        Assert.That(artifact.AdapterNames.Skip(2), Is.EqualTo(new[] { "gen-f16", "gen-f32" }), "generated GGUFs keep their file names");

        var customized = PathIn("custom.gguf");
        var customize = CliRunner.Run(CustomizeCommand.Create(), "customize", "--pool", pool, "--model", model, "--blend-backend", "cpu",
            "--examples", Lines("user.txt", "What causes a fever?", "Which drug lowers blood sugar?", "What does the liver do?", "Name a bone of the arm."), "-o", customized);
        Assert.That(customize.ExitCode, Is.EqualTo(0), customize.Error);
        Assert.That(customize.Out, Does.Contain("from 4 examples").And.Contain("guard kept"));
        // -o writes what went live: an adapter when the guard kept the blend, nothing (and says so) when it kept the base model.
        if (customize.Out.Contains("guard kept no adapter", StringComparison.Ordinal))
        {
            Assert.That(File.Exists(customized), Is.False);
            Assert.That(customize.Out, Does.Contain("Wrote nothing"));
        }
        else
            Assert.That(LoraAdapterGguf.Read(customized).Pairs.Select(p => p.Target), Is.EqualTo(shape.Pairs.Select(p => p.Target)));

        foreach (var (name, original) in new[] { ("gen-f16", generatedF16), ("3", generatedF32) })
        {
            var back = PathIn($"back-{name}.gguf");
            var extract = CliRunner.Run(PoolCommand.Create(), "pool", "extract", "--pool", pool, "--adapter", name, "-o", back);
            Assert.That(extract.ExitCode, Is.EqualTo(0), extract.Error);
            Assert.That(File.ReadAllBytes(back), Is.EqualTo(File.ReadAllBytes(original)), $"{name} comes back byte for byte");
        }
        var peftBack = PathIn("back-peft5.gguf");
        var extractPeft = CliRunner.Run(PoolCommand.Create(), "pool", "extract", "--pool", pool, "--adapter", "0", "-o", peftBack);
        Assert.That(extractPeft.ExitCode, Is.EqualTo(0), extractPeft.Error);
        var extracted = LoraAdapterGguf.Read(peftBack);
        Assert.That(extracted.Pairs.Select(p => (p.Target, p.A.Data, p.B.Data)), Is.EqualTo(shape.Pairs.Select(p => (p.Target, p.A.Data, p.B.Data))),
            "the PEFT adapter comes back as the factors `import peft` converts it to");
    }

    [TestCase(new[] { "--trained-on", "300", "--trained-on", "100" }, "1 --adapter but 2 --trained-on")]
    [TestCase(new[] { "--trained-on", "0" }, "--trained-on 0: a training-set size is at least 1")]
    public void TrainingSetSizesThatDoNotPairWithTheAdaptersAreRefusedBeforeAnythingIsRead(string[] sizes, string expected)
    {
        var assemble = CliRunner.Run(PoolCommand.Create(), ["pool", "assemble", "-a", PathIn("a.gguf"), "-e", PathIn("a.txt"), .. sizes, "-o", PathIn("pool.gguf")]);
        Assert.Multiple(() =>
        {
            Assert.That(assemble.ExitCode, Is.Not.EqualTo(0));
            Assert.That(assemble.Error, Does.Contain(expected));
            Assert.That(File.Exists(PathIn("pool.gguf")), Is.False);
        });
    }

    [Test]
    public void ExtractingAnAdapterThePoolDoesNotHoldNamesTheOnesItHolds()
    {
        var pool = PathIn("pool.gguf");
        AdapterPoolFile.Write(Pool.TinyPool.Pool, pool);
        var extract = CliRunner.Run(PoolCommand.Create(), "pool", "extract", "--pool", pool, "--adapter", "no-such-adapter", "-o", PathIn("x.gguf"));
        Assert.That(extract.ExitCode, Is.Not.EqualTo(0));
        Assert.That(extract.Error, Does.Contain("no-such-adapter").And.Contain(Pool.TinyPool.Pool.AdapterNames[0]));
        Assert.That(File.Exists(PathIn("x.gguf")), Is.False);
    }
}
