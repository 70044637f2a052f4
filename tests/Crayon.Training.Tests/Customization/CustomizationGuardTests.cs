using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tasks;
using Crayon.Tests.Llama;
using Crayon.Tests.Pool;
using Crayon.Tests.Training;
using Crayon.Training;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

/// <summary>The customizer's guard on a real model and real pools: one that only hurts, one that helps, and the guard off.</summary>
public class CustomizationGuardTests : StoriesModelFixture
{
    private static Customizer Create(AdapterPoolArtifact pool, GuardOptions guard) =>
        new(Model, Identity, pool, new CustomizerOptions { Guard = guard, Blender = new BlenderOptions { Backend = BlendBackend.Cpu } });

    /// <summary>CSQA items the pool never saw, each with its gold answer as the response the guard scores.</summary>
    private static IReadOnlyList<Example> AnsweredExamples(int count = 8) => TinyPool.Examples(count).Select(item =>
    {
        var gold = QaPrompt.ForScoring(item).Choices[item.Answer];
        return new Example(gold.Prompt, gold.Continuation);
    }).ToArray();

    /// <summary>The tiny pool's centroids over other adapters of its shapes.</summary>
    private static AdapterPoolArtifact WithAdapters(IReadOnlyList<LoraAdapter> adapters)
    {
        var pool = TinyPool.Pool;
        return new AdapterPoolArtifact(new AdapterPool(adapters), pool.Centroids, pool.Signal, pool.Model, embeddingCenter: pool.EmbeddingCenter);
    }

    /// <summary>Random factors of the tiny pool's shapes, large enough to wreck every prediction.</summary>
    private static LoraAdapter RandomLarge(LoraAdapter shape, int seed)
    {
        var random = new Random(seed);
        LoraMatrix Noise(LoraMatrix m) => new(m.Rows, m.Cols, Enumerable.Range(0, m.Data.Length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
        return new LoraAdapter(shape.Architecture, shape.Alpha, shape.Pairs.Select(p => new LoraPair(p.Target, Noise(p.A), Noise(p.B))).ToArray());
    }

    [Test]
    public void WhenEveryPoolAdapterHurtsTheGuardKeepsTheBaseModel()
    {
        var pool = WithAdapters(TinyPool.Pool.Adapters.Adapters.Select((a, i) => RandomLarge(a, 100 + i)).ToArray());
        using var customizer = Create(pool, new GuardOptions { Scales = [0, 0.25, 0.5, 1] });
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        var examples = AnsweredExamples();
        var baseLogits = context.EvaluateLogits(examples[0].Prompt);

        var result = customizer.Customize(examples, context);

        var verdict = result.Guard!;
        Assert.Multiple(() =>
        {
            Assert.That(verdict.KeptScale, Is.EqualTo(0), verdict.ToString());
            Assert.That(verdict.KeptBaseModel, Is.True);
            Assert.That(verdict.Candidates.Select(c => c.Scale), Is.EqualTo(new[] { 0, 0.25, 0.5, 1 }));
            Assert.That(verdict.Candidates.Skip(1).Select(c => c.MeanNll), Is.All.GreaterThan(verdict.Candidates[0].MeanNll), "every scale of the random blend is worse than the base model");
            Assert.That(verdict.HeldOutExamples, Is.EqualTo(2), "a quarter of 8 examples is held out of alpha");
            Assert.That(verdict.FitExamples, Is.EqualTo(6));
            Assert.That(verdict.ForwardPasses, Is.EqualTo(2 * 4), "held-out examples × candidate scales");
            Assert.That(result.Timings.Guard, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(result.Timings.Total, Is.EqualTo(result.Timings.Embed + result.Timings.Alpha + result.Timings.Guard + result.Timings.Blend + result.Timings.Swap));
            Assert.That(context.Adapters.IsEmpty, Is.True, "no adapter: the context's set is cleared");
            Assert.That(context.EvaluateLogits(examples[0].Prompt), Is.EqualTo(baseLogits), "the base model's logits, exactly");
        });

        // Restore gives the guard's choice back, not the blend it judged.
        context.ApplyAdapters(AdapterSet.None);
        customizer.Restore(context);
        Assert.That(context.Adapters.IsEmpty, Is.True);
    }

    [Test]
    public void WhenTheBlendHelpsTheGuardKeepsIt()
    {
        // Adapters trained on the very texts the user gives: the blend must lower their held-out NLL.
        var texts = TrainingFixture.Texts(12);
        var trained = LoraTrainer.Train(TrainingFixture.Model, texts.Select(t => t.Text).ToArray(), 2, TrainingFixture.Tiny with { Epochs = 4 }).Adapter;
        var pool = WithAdapters([trained, trained]);
        // Both adapters are the same, so every alpha blends the same update: judge no adapter against the blend only.
        using var customizer = Create(pool, new GuardOptions { Candidates = [GuardChoice.NoAdapter, GuardChoice.Blend] });
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        var examples = texts.Take(8).Select(t => new Example(t.Prompt, t.Completion)).ToArray();

        var result = customizer.Customize(examples, context);

        var verdict = result.Guard!;
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Candidates.Select(c => c.Scale), Is.EqualTo(new[] { 0, 1 }), "no adapter or the full blend");
            Assert.That(verdict.KeptScale, Is.EqualTo(1), verdict.ToString());
            Assert.That(verdict.Candidates.Single(c => c.Scale == 1).MeanNll, Is.LessThan(verdict.Candidates.Single(c => c.Scale == 0).MeanNll));
            Assert.That(context.Adapters.Entries, Has.Count.EqualTo(1));
            Assert.That(context.Adapters.Entries[0].Scale, Is.EqualTo(1f));
            Assert.That(verdict.ToString(), Does.StartWith("guard kept the blend"));
        });
    }

    [Test]
    public void AReducedScaleIsLlamaCppsAdapterScaleOnTheSameTensors()
    {
        var pool = WithAdapters(TinyPool.Pool.Adapters.Adapters.Select((a, i) => RandomLarge(a, 200 + i)).ToArray());
        using var customizer = Create(pool, new GuardOptions { Scales = [0.5] });
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        var result = customizer.Customize(AnsweredExamples(), context);
        Assert.That(result.Guard!.KeptScale, Is.EqualTo(0.5), "the only candidate");
        var live = context.EvaluateLogits("Once upon a time");

        // The same blend loaded fresh and applied at scale 0.5 through llama.cpp gives the same logits.
        using var fresh = LlamaAdapter.Load(Model, LoraAdapterGguf.ToBytes(customizer.BlendToHost(result.Alpha), Crayon.Formats.Gguf.GgmlType.F32), "fresh");
        using var other = Model.CreateContext(LlamaTestRuntime.Context());
        other.ApplyAdapters(AdapterSet.Single(fresh, 0.5f));
        Assert.Multiple(() =>
        {
            Assert.That(context.Adapters.Entries.Single().Scale, Is.EqualTo(0.5f));
            Assert.That(live, Is.EqualTo(other.EvaluateLogits("Once upon a time")));
        });
    }

    [Test]
    public void SwitchedOffTheGuardRunsNoForwardPass()
    {
        var pool = WithAdapters(TinyPool.Pool.Adapters.Adapters.Select((a, i) => RandomLarge(a, 100 + i)).ToArray());
        using var customizer = Create(pool, GuardOptions.Off);
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        var result = customizer.Customize(AnsweredExamples(), context);
        Assert.Multiple(() =>
        {
            Assert.That(result.Guard!.Skipped, Is.True);
            Assert.That(result.Guard.ForwardPasses, Is.Zero);
            Assert.That(result.Guard.Reason, Is.EqualTo("switched off"));
            Assert.That(result.Timings.Guard, Is.EqualTo(TimeSpan.Zero));
            Assert.That(context.Adapters.Entries.Single().Scale, Is.EqualTo(1f), "the harmful blend goes live unjudged");
        });
    }

    [Test]
    public void OneExampleHasNothingToHoldOutAndGoesLiveUnjudged()
    {
        using var customizer = Create(TinyPool.Pool, new GuardOptions());
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        var result = customizer.Customize(AnsweredExamples(1), context);
        Assert.Multiple(() =>
        {
            Assert.That(result.Guard!.Skipped, Is.True);
            Assert.That(result.Guard.Reason, Does.StartWith("one example"));
            Assert.That(result.Scale, Is.EqualTo(1));
            Assert.That(context.Adapters.Entries, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public void HeldOutExamplesAreSpreadAndBounded()
    {
        var options = new GuardOptions();
        Assert.Multiple(() =>
        {
            Assert.That(CustomizationGuard.HeldOut(1, options), Is.Empty);
            Assert.That(CustomizationGuard.HeldOut(2, options), Is.EqualTo(new[] { 1 }));
            Assert.That(CustomizationGuard.HeldOut(8, options), Is.EqualTo(new[] { 2, 6 }));
            Assert.That(CustomizationGuard.HeldOut(32, options), Is.EqualTo(new[] { 2, 6, 10, 14, 18, 22, 26, 30 }));
            Assert.That(CustomizationGuard.HeldOut(100, options), Has.Length.EqualTo(8), "MaxHeldOut");
            Assert.Throws<ArgumentOutOfRangeException>(() => Create(TinyPool.Pool, new GuardOptions { Scales = [1.5] }));
        });
    }
}
