using Crayon.Adapters;
using Crayon.Llama;
using Crayon.Tests.Llama;
using Crayon.Training;
using NUnit.Framework;
using static Crayon.Tests.Training.TrainingFixture;

namespace Crayon.Tests.Training;

public class LoraTrainerTests
{
    [Test]
    public void TrainedFactorsLowerTheLossAndHaveTheRequestedShape()
    {
        var texts = Texts();
        var result = AdapterTrainer.Train(Model, texts.Select(t => t.Text).ToArray(), rank: 4, Tiny with { Epochs = 4, LearningRate = 3e-2f });
        var adapter = result.Adapter;
        Assert.Multiple(() =>
        {
            Assert.That(adapter.Pairs.Select(p => p.Target), Is.EqualTo(Enumerable.Range(0, 5).SelectMany(l => new[] { $"blk.{l}.attn_q", $"blk.{l}.attn_output" })));
            Assert.That(adapter.UniformRank, Is.EqualTo(4));
            Assert.That(adapter.Alpha, Is.EqualTo(4f), "alpha = rank: llama.cpp applies B·A unscaled, as trained");
            Assert.That(adapter.Pairs.All(p => p.B.Data.Any(v => v != 0)), Is.True, "B starts at zero and must have moved");
            Assert.That(result.FineTune, Is.Null, "no model weights were trained");
            Assert.That(adapter.Metadata["crayon.fine_tune.base_model"], Is.EqualTo("stories260K.gguf"));
        });

        using var model = LlamaTestRuntime.LoadCpu(Model);
        using var loaded = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(adapter), "trained");
        var before = CompletionNll(model, texts);
        var after = CompletionNll(model, texts, AdapterSet.Single(loaded));
        TestContext.Out.WriteLine($"answer NLL on the training texts: {before:F3} -> {after:F3}");
        Assert.That(after, Is.LessThan(before * 0.9));
    }

    [Test]
    public void TheSameSeedGivesAnIdenticalAdapter()
    {
        var texts = Texts(8).Select(t => t.Text).ToArray();
        var options = Tiny with { Epochs = 1, Seed = 9 };
        var first = LoraAdapterGguf.ToBytes(AdapterTrainer.Train(Model, texts, 2, options).Adapter);
        var second = LoraAdapterGguf.ToBytes(AdapterTrainer.Train(Model, texts, 2, options).Adapter);
        var otherSeed = LoraAdapterGguf.ToBytes(AdapterTrainer.Train(Model, texts, 2, options with { Seed = 10 }).Adapter);
        Assert.That(second, Is.EqualTo(first));
        Assert.That(otherSeed, Is.Not.EqualTo(first), "the seed sets A's initial values and the text order");
    }

    [Test]
    public void TheExtractionRouteGivesAnAdapterOfTheSameShape()
    {
        var texts = Texts(6).Select(t => t.Text).ToArray();
        var result = AdapterTrainer.Train(Model, texts, 3, Tiny with { Epochs = 1 }, AdapterRoute.ExtractedFromFineTune);
        Assert.Multiple(() =>
        {
            Assert.That(result.FineTune, Is.Not.Null);
            Assert.That(result.Adapter.Pairs, Has.Count.EqualTo(10));
            Assert.That(result.Adapter.UniformRank, Is.EqualTo(3));
        });
    }
}
