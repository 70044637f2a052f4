using Crayon.Adapters;
using Crayon.Formats.Gguf;
using Crayon.Llama;
using Crayon.Tests.Llama;
using Crayon.Training;
using NUnit.Framework;
using static Crayon.Tests.Training.TrainingFixture;

namespace Crayon.Tests.Training;

public class FineTunerTests
{
    [Test]
    public void FineTuningLowersTheLossOfItsTextsAndChangesOnlyTheTargets()
    {
        var texts = Texts();
        var result = FineTuner.Run(Model, texts.Select(t => t.Text).ToArray(), Tiny with { Epochs = 3 });

        var baseFile = GgufReader.Read(Model);
        var tunedFile = result.ToModel();
        Assert.Multiple(() =>
        {
            Assert.That(result.Tensors.Select(t => t.Name), Is.EqualTo(Enumerable.Range(0, 5).SelectMany(l => new[] { $"blk.{l}.attn_q.weight", $"blk.{l}.attn_output.weight" })));
            foreach (var t in baseFile.Tensors)
            {
                var changed = !t.Data.Span.SequenceEqual(tunedFile[t.Name].Data.Span);
                Assert.That(changed, Is.EqualTo(t.Name.Contains("attn_q") || t.Name.Contains("attn_output")), $"{t.Name} changed");
            }
            foreach (var (key, value) in baseFile.Metadata)
                Assert.That(tunedFile.Metadata[key], Is.EqualTo(value), $"metadata {key} is the base model's");
            Assert.That(tunedFile.Metadata.GetString("crayon.fine_tune.targets"), Is.EqualTo("attn_q,attn_output"));
            Assert.That(result.Statistics.EpochLosses[^1], Is.LessThan(result.Statistics.EpochLosses[0]), "the training loss falls from epoch to epoch");
        });

        using var baseModel = LlamaTestRuntime.LoadCpu(Model);
        using var tuned = Load(result.ToModelImage(), "tuned");
        var before = CompletionNll(baseModel, texts);
        var after = CompletionNll(tuned, texts);
        TestContext.Out.WriteLine($"answer NLL on the training texts: {before:F3} -> {after:F3}; epoch losses {string.Join(", ", result.Statistics.EpochLosses)}");
        Assert.That(after, Is.LessThan(before * 0.9));
    }

    [Test]
    public void TheSameSeedGivesIdenticalBytesAndAnotherSeedDoesNot()
    {
        var texts = Texts(8).Select(t => t.Text).ToArray();
        var options = Tiny with { Epochs = 1, Seed = 5 };
        var first = FineTuner.Run(Model, texts, options).ToModelImage();
        var second = FineTuner.Run(Model, texts, options).ToModelImage();
        var otherSeed = FineTuner.Run(Model, texts, options with { Seed = 6 }).ToModelImage();
        Assert.That(second, Is.EqualTo(first));
        Assert.That(otherSeed, Is.Not.EqualTo(first), "the seed orders texts and windows");
    }

    [Test]
    public void AnAdapterExtractedAtFullRankReproducesTheFineTunedModel()
    {
        var texts = Texts();
        var result = FineTuner.Run(Model, texts.Select(t => t.Text).ToArray(), Tiny);
        using var baseModel = LlamaTestRuntime.LoadCpu(Model);
        using var tuned = Load(result.ToModelImage(), "tuned");
        const string prompt = "Once upon a time, Lily went to the park.\nWhat did Lily do?\nAnswer:";
        const string answer = " She played with her friends on the swings.";
        var reference = Score(tuned, prompt, answer, null);

        // attn_q and attn_output are 64×64: rank 64 holds the whole delta, rank 1 only a sliver of it.
        var full = Difference(reference, Score(baseModel, prompt, answer, LoraExtractor.Extract(result, 64)));
        var truncated = Difference(reference, Score(baseModel, prompt, answer, LoraExtractor.Extract(result, 1)));
        var untouched = Difference(reference, Score(baseModel, prompt, answer, null));
        TestContext.Out.WriteLine($"max |Δ log p| per token: rank 64 {full:E2}, rank 1 {truncated:E2}, no adapter {untouched:E2}");
        Assert.Multiple(() =>
        {
            Assert.That(full, Is.LessThan(5e-3), "float rounding of W·x + B·(A·x) against (W + ΔW)·x");
            Assert.That(truncated, Is.GreaterThan(10 * full));
            Assert.That(untouched, Is.GreaterThan(10 * full));
        });
    }

    [Test]
    public void AFullFineTuneChangesEveryTensorLlamaCppCanTrain()
    {
        var result = FineTuner.Run(Model, Texts(6).Select(t => t.Text).ToArray(), Tiny with { Targets = TensorSelection.All, Epochs = 1 });
        var names = result.Tensors.Select(t => t.Name).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(names, Has.Length.EqualTo(5 * 7 + 1), "per block: 2 norms and 5 projections; and output_norm");
            Assert.That(names, Has.None.Contains("token_embd").And.None.Contains("attn_k").And.None.Contains("attn_v"));
            foreach (var t in result.Tensors)
                Assert.That(t.Tuned, Is.Not.EqualTo(t.Base), $"{t.Name} was reported trained but did not change");
        });
    }

    private static double[] Score(LlamaModel model, string prompt, string answer, LoraAdapter? adapter)
    {
        using var context = model.CreateContext(new LlamaContextOptions { ContextLength = 256, Threads = 1 });
        using var loaded = adapter is null ? null : LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(adapter), "extracted");
        if (loaded is not null) context.ApplyAdapters(AdapterSet.Single(loaded));
        return context.ScoreContinuation(prompt, answer).TokenLogProbabilities;
    }

    private static double Difference(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
}
