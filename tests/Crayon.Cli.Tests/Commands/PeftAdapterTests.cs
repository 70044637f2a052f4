using Crayon.Cli.Commands;
using Crayon.Llama;
using Crayon.Tests.Cli;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>
/// Real PEFT adapters, converted by `crayon import peft`, run in llama.cpp on a random model of their
/// base's exact shape (SmolLM-135M).
/// </summary>
public class PeftAdapterTests : TempFolderTest
{
    [TestCase("adapters/peft-smollm135m-medflash-5ep")]
    [TestCase("adapters/peft-smollm135m-medflash-100ep")]
    public void AConvertedPeftAdapterChangesTheLogitsAndScaleZeroRestoresTheBase(string folder)
    {
        var peft = TestData.Require(folder);
        var converted = PathIn("adapter.gguf");
        var (exit, _, error) = CliRunner.Run(ImportCommand.Create(), "import", "peft", "--adapter", peft, "--base", SmolLmShapedModel.Path, "-o", converted);
        Assert.That(exit, Is.EqualTo(0), error);

        LlamaTestRuntime.Ensure();
        using var model = LlamaModel.Load(SmolLmShapedModel.Path, LlamaTestRuntime.Cpu);
        Assert.That((model.EmbeddingSize, model.LayerCount, model.HeadCount, model.HeadCountKv), Is.EqualTo((576, 30, 9, 3)));
        using var adapter = LlamaAdapter.Load(model, converted);
        using var context = model.CreateContext(LlamaTestRuntime.Context(64));
        var tokens = model.Tokenizer.Tokenize("the patient has a fever");
        var baseLogits = context.EvaluateLogits(tokens);
        context.ApplyAdapters(AdapterSet.Single(adapter, 1f));
        var adapted = context.EvaluateLogits(tokens);
        var change = adapted.Zip(baseLogits).Max(p => Math.Abs(p.First - p.Second));
        TestContext.Out.WriteLine($"largest logit change: {change}");
        Assert.That(change, Is.GreaterThan(1e-3));
        context.ApplyAdapters(AdapterSet.Single(adapter, 0f));
        Assert.That(context.EvaluateLogits(tokens), Is.EqualTo(baseLogits));
    }
}
