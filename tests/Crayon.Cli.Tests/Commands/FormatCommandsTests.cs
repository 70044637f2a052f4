using Crayon.Adapters;
using Crayon.Cli.Commands;
using Crayon.Formats.Gguf;
using Crayon.Models;
using Crayon.Tests.Importers.Llama2c;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>`crayon import llama2c|peft`, `crayon gguf info` and `crayon model random`, run through the real command tree.</summary>
public class FormatCommandsTests : TempFolderTest
{
    private string Out(string name) => PathIn(name);

    [Test]
    public void ImportLlama2cWritesTheModelAndSummarisesIt()
    {
        var (code, stdout, stderr) = CliRunner.Run(ImportCommand.Create(),
            "import", "llama2c", "--model", Stories260K.Model, "--tokenizer", Stories260K.Tokenizer, "-o", Out("m.gguf"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("5 blocks").And.Contain("512 tokens").And.Contain("47 tensors"));
        var model = GgufReader.Read(Out("m.gguf"));
        Assert.That(model.Metadata.GetString("general.name"), Is.EqualTo("stories260K"));
        Assert.That(model["blk.4.ffn_down.weight"].Dimensions, Is.EqualTo(new long[] { 172, 64 }));
    }

    [Test]
    public void ImportPeftWritesALoadableAdapterInTheAskedType()
    {
        var dir = TestData.Require("adapters/peft-smollm135m-medflash-5ep");
        var (code, stdout, stderr) = CliRunner.Run(ImportCommand.Create(), "import", "peft", "--adapter", dir, "-o", Out("a.gguf"), "--type", "f16");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("60 pairs").And.Contain("rank 16").And.Contain("alpha 32"));
        Assert.That(GgufReader.ReadLayout(Out("a.gguf")).Tensors.Select(t => t.Info.Type), Is.All.EqualTo(GgmlType.F16));
        Assert.That(LoraAdapterGguf.Read(Out("a.gguf")).Pairs, Has.Count.EqualTo(60));
    }

    [Test]
    public void BadInputIsOneClearLineAndExitCodeOne()
    {
        var missing = CliRunner.Run(ImportCommand.Create(), "import", "peft", "--adapter", Out("nope"), "-o", Out("a.gguf"));
        Assert.That(missing.ExitCode, Is.EqualTo(1));
        Assert.That(missing.Error.Trim(), Does.StartWith("crayon: ").And.Contain("nope").And.Not.Contain("   at "));
        Assert.That(File.Exists(Out("a.gguf")), Is.False);

        var notGguf = CliRunner.Run(GgufCommand.Create(), "gguf", "info", Stories260K.Tokenizer);
        Assert.That(notGguf.ExitCode, Is.EqualTo(1));
        Assert.That(notGguf.Error, Does.Contain("tok512.bin").And.Contain("not 'GGUF'"));

        var badType = CliRunner.Run(ImportCommand.Create(), "import", "peft", "--adapter", TempFolder.FullName, "-o", Out("b.gguf"), "--type", "q4");
        Assert.That(badType.Error, Does.Contain("--type 'q4' is not one of f32, f16 or bf16"));
    }

    [Test]
    public void GgufInfoListsMetadataAndTensors()
    {
        var path = TestData.Require("models/llama-2-tiny-random.gguf");
        var (code, stdout, stderr) = CliRunner.Run(GgufCommand.Create(), "gguf", "info", path);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("GGUF v3").And.Contain("18 metadata keys").And.Contain("12 tensors"));
        Assert.That(stdout, Does.Contain("tokenizer.ggml.tokens").And.Contain("arr[str,32000]").And.Contain("\"LLaMA v2\""));
        Assert.That(stdout, Does.Contain("token_embd.weight").And.Contain("[8, 32000]").And.Contain("f16"));
    }

    [Test]
    public void ModelRandomWritesTheAskedShape()
    {
        var (code, _, stderr) = CliRunner.Run(ModelCommand.Create(),
            "model", "random", "--preset", "smollm-135m", "--vocab", "300", "--ff", "32", "--layers", "2", "--type", "f16", "--seed", "5", "-o", Out("r.gguf"));
        Assert.That(code, Is.Zero, stderr);
        var h = LlamaHyperparameters.ReadFrom(GgufReader.ReadLayout(Out("r.gguf")).Metadata);
        Assert.That(h, Is.EqualTo(LlamaHyperparameters.SmolLM135M with { VocabSize = 300, FeedForwardLength = 32, BlockCount = 2 }));
    }
}
