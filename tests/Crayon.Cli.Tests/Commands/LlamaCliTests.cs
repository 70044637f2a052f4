using Crayon.Importers.Llama2c;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>`crayon generate | score | embed` end to end, as a user runs them.</summary>
public class LlamaCliTests
{
    private static readonly Lazy<string> Stories = new(() =>
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("crayon-cli-").FullName, "stories260K.gguf");
        Llama2cImporter.Import(TestData.Require("models/stories260K.bin"), TestData.Require("models/tok512.bin"), path);
        return path;
    });

    private static readonly Dictionary<string, string> Lavapipe = new() { ["GGML_VK_VISIBLE_DEVICES"] = "0" };

    [TestCase("cpu")]
    [TestCase("vulkan")]
    public void GenerateContinuesStories260KLikeRunC(string backend)
    {
        TestData.Require("models/stories260K.bin");
        var result = CrayonCli.Run(Lavapipe, "generate", "--model", Stories.Value, "--greedy", "-n", "32", "--backend", backend, "--threads", "1", "Once upon a time");
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
        Assert.That(result.Stdout, Does.StartWith(", there was a little girl named Lily. She loved to play outside in the park"));
    }

    [Test]
    public void ScorePicksTheLikeliestChoiceAndEmbedPrintsAVector()
    {
        TestData.Require("models/stories260K.bin");
        var score = CrayonCli.Run("score", "--model", Stories.Value, "--backend", "cpu", "--threads", "1", "--prompt", "Once upon a time, there was a little",
            "--choice", " girl", "--choice", " xylophone quantum");
        Assert.That(score.ExitCode, Is.EqualTo(0), score.Stderr);
        Assert.That(score.Stdout, Does.Contain("best: 0 ( girl)"));

        var embed = CrayonCli.Run("embed", "--model", Stories.Value, "--backend", "cpu", "--threads", "1", "--signal", "query", "Lily played in the park");
        Assert.That(embed.ExitCode, Is.EqualTo(0), embed.Stderr);
        var values = embed.Stdout.Trim().TrimStart('[').TrimEnd(']').Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.That(values, Has.Length.EqualTo(64)); // 8 heads × 8
        Assert.That(values.Any(v => v != 0), Is.True);
    }

    [Test]
    public void MissingLlamaLibrariesAreOneClearLine()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-llama-{Guid.NewGuid():N}");
        var result = CrayonCli.Run(new Dictionary<string, string> { ["CRAYON_LLAMA_LIB_DIR"] = missing },
            "generate", "--model", TinyModel.Path, "hello");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr.Trim(), Does.StartWith("crayon: llama.cpp libraries not found").And.Contain(missing).And.Contain("CRAYON_LLAMA_LIB_DIR"));
        Assert.That(result.Stderr, Does.Not.Contain("   at "), "no stack trace");
    }

    [Test]
    public void APlainCMakeBuildFolderIsUsedThroughTheEnvironmentVariable()
    {
        // A self-built llama.cpp names its libraries libllama.so / libggml.so; imitate one with links to the pinned build.
        var pinned = Crayon.Llama.LlamaRuntime.Initialize().LibraryDirectory;
        var folder = Directory.CreateTempSubdirectory("crayon-plain-llama-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(pinned, "*.so"))
            {
                var name = Path.GetFileName(file) switch
                {
                    var n when n.StartsWith("libllama.", StringComparison.Ordinal) => "libllama.so",
                    var n when n.StartsWith("libggml.", StringComparison.Ordinal) => "libggml.so",
                    var n => n,
                };
                File.CreateSymbolicLink(Path.Combine(folder, name), file);
            }
            var result = CrayonCli.Run(new Dictionary<string, string> { ["CRAYON_LLAMA_LIB_DIR"] = folder },
                "generate", "--model", TinyModel.Path, "--greedy", "-n", "8", "--backend", "cpu", "--threads", "1", "Once upon a time");
            var reference = CrayonCli.Run("generate", "--model", TinyModel.Path, "--greedy", "-n", "8", "--backend", "cpu", "--threads", "1", "Once upon a time");
            Assert.That(result.ExitCode, Is.EqualTo(0), result.Stderr);
            Assert.That(result.Stdout, Is.EqualTo(reference.Stdout).And.Not.Empty);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void ABuildWithoutTheNeededApiIsNamedAsSuch()
    {
        // "libllama.so" here is a real shared library without llama.h's functions (ggml-base): an incompatible build.
        var pinned = Crayon.Llama.LlamaRuntime.Initialize().LibraryDirectory;
        var folder = Directory.CreateTempSubdirectory("crayon-old-llama-").FullName;
        try
        {
            File.CreateSymbolicLink(Path.Combine(folder, "libllama.so"), Path.Combine(pinned, "libggml-base.so"));
            File.CreateSymbolicLink(Path.Combine(folder, "libggml.so"), Directory.GetFiles(pinned, "libggml.*.so")[0]);
            File.CreateSymbolicLink(Path.Combine(folder, "libggml-base.so"), Path.Combine(pinned, "libggml-base.so"));
            var result = CrayonCli.Run(new Dictionary<string, string> { ["CRAYON_LLAMA_LIB_DIR"] = folder }, "generate", "--model", TinyModel.Path, "hello");
            Assert.That(result.ExitCode, Is.EqualTo(1));
            Assert.That(result.Stderr.Trim(), Does.StartWith("crayon: the llama.cpp build in").And.Contain("llama_set_adapters_lora").And.Contain("v0.5.0"));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void AnAdapterForAnotherModelIsOneClearLine()
    {
        var adapter = Path.Combine(TestContext.CurrentContext.WorkDirectory, "tiny-adapter.gguf");
        Crayon.Adapters.LoraAdapterGguf.WriteFile(TinyModel.RandomAdapter(seed: 1), adapter);
        TestData.Require("models/stories260K.bin");
        var result = CrayonCli.Run("generate", "--model", Stories.Value, "--backend", "cpu", "--threads", "1", "--lora", adapter + ":0.5", "hello");
        Assert.That(result.ExitCode, Is.EqualTo(1));
        Assert.That(result.Stderr.Trim(), Does.StartWith("crayon: adapter").And.Contain("tiny-adapter.gguf").And.Contain("do not fit"));
    }

    [Test]
    public void LoraOptionsApplyAdaptersWithTheirScales()
    {
        var adapter = Path.Combine(TestContext.CurrentContext.WorkDirectory, "tiny-lora.gguf");
        Crayon.Adapters.LoraAdapterGguf.WriteFile(TinyModel.RandomAdapter(seed: 9, magnitude: 3f), adapter);
        string Generate(params string[] extra) =>
            CrayonCli.Run(["generate", "--model", TinyModel.Path, "--backend", "cpu", "--threads", "1", "--greedy", "-n", "8", .. extra, "Once upon a time"]).Stdout;
        var plain = Generate();
        Assert.That(Generate("--lora", adapter + ":0"), Is.EqualTo(plain));
        Assert.That(Generate("--lora", adapter), Is.Not.EqualTo(plain));
    }

    [TestCase("a.gguf", "a.gguf", 1f)]
    [TestCase("a.gguf:0.25", "a.gguf", 0.25f)]
    [TestCase("/data/c:drive/a.gguf", "/data/c:drive/a.gguf", 1f)]
    [TestCase("x:y.gguf:-1", "x:y.gguf", -1f)]
    public void LoraSpecificationsParse(string spec, string path, float scale) =>
        Assert.That(Crayon.Cli.Commands.LlamaCommandOptions.ParseLora(spec), Is.EqualTo((path, scale)));
}
