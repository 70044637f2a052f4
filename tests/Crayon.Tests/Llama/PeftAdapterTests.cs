using Crayon.Adapters;
using Crayon.Importers.Peft;
using Crayon.Llama;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>A real PEFT adapter, converted by our importer, runs in llama.cpp on a model of its base's exact shape.</summary>
public class PeftAdapterTests
{
    [Test]
    public void ARealPeftAdapterChangesTheLogitsAndScaleZeroRestoresTheBase()
    {
        var folder = TestData.Require("adapters/peft-smollm135m-medflash-5ep");
        LlamaTestRuntime.Ensure();
        using var model = LlamaModel.Load(SmolLmShapedModel.Path, LlamaTestRuntime.Cpu);
        Assert.That((model.EmbeddingSize, model.LayerCount, model.HeadCount, model.HeadCountKv), Is.EqualTo((576, 30, 9, 3)));
        var converted = PeftImporter.Import(folder);
        Assert.That(converted.Pairs, Has.Count.EqualTo(60));
        using var adapter = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(converted), "medflash-5ep");

        using var context = model.CreateContext(new LlamaContextOptions { ContextLength = 64 });
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
