using Crayon.Blending;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tests.Llama;
using Crayon.Tests.Pool;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

/// <summary>Instant customization end to end on a real pool and model: examples in, adapter live in llama.cpp out.</summary>
public class CustomizerTests
{
    private static LlamaModel _model = null!;
    private static PoolModel _identity = null!;

    [OneTimeSetUp]
    public void LoadModel()
    {
        _model = LlamaTestRuntime.LoadCpu(TrainingFixture.Model);
        _identity = PoolModelIdentity.Of(TrainingFixture.Model);
    }

    [OneTimeTearDown]
    public void FreeModel() => _model?.Dispose();

    private static Customizer Create(CustomizerOptions options) =>
        new(_model, _identity, TinyPool.Pool, options with { Blender = new BlenderOptions { Backend = BlendBackend.Cpu } });

    private static double ExampleNll(LlamaContext context)
    {
        var item = TinyPool.Examples(1)[0];
        var gold = Crayon.Tasks.QaPrompt.ForScoring(item).Choices[item.Answer];
        return context.ScoreContinuation(gold.Prompt, gold.Continuation).LogLikelihood;
    }

    [Test]
    public void ExamplesBecomeABlendedAdapterLiveInLlamaCpp()
    {
        using var customizer = Create(new CustomizerOptions { Mode = CustomizationMode.Concat, Alpha = new AlphaOptions { Temperature = 0.5 } });
        using var context = _model.CreateContext(LlamaTestRuntime.Context());
        var before = ExampleNll(context);

        using var result = customizer.Customize(TinyPool.Examples(), context);

        Assert.Multiple(() =>
        {
            Assert.That(result.Alpha.Sum(), Is.EqualTo(1).Within(1e-12));
            Assert.That(result.Alpha, Is.All.GreaterThan(0), "softmax over all adapters");
            Assert.That(result.Similarities, Has.Length.EqualTo(2).And.All.InRange(-1.0, 1.0));
            Assert.That(result.TaskEmbedding, Has.Length.EqualTo(TinyPool.Pool.EmbeddingLength));
            Assert.That(result.Blended, Has.Count.EqualTo(2));
            Assert.That(result.Adapter!.UniformRank, Is.EqualTo(2 * 2), "concat stacks both rank-2 adapters");
            Assert.That(context.Adapters, Is.SameAs(result.Adapters));
            Assert.That(ExampleNll(context), Is.Not.EqualTo(before), "the adapter changes the logits");
            Assert.That(result.Timings.Embed, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(result.Timings.Blend, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(result.Timings.Swap, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(result.Timings.Total, Is.EqualTo(result.Timings.Embed + result.Timings.Alpha + result.Timings.Blend + result.Timings.Swap));
            Assert.That(result.BlendTimings, Is.Not.Null);
        });
    }

    [Test]
    public void TopKZeroesTheOtherAdaptersAndLinearKeepsTheRank()
    {
        using var customizer = Create(new CustomizerOptions { Mode = CustomizationMode.Linear, Alpha = new AlphaOptions { Temperature = 0.1, TopK = 1 } });
        using var context = _model.CreateContext(LlamaTestRuntime.Context());
        using var result = customizer.Customize(TinyPool.Examples(), context);
        var nearest = Array.IndexOf(result.Similarities, result.Similarities.Max());
        Assert.Multiple(() =>
        {
            Assert.That(result.Alpha[nearest], Is.EqualTo(1));
            Assert.That(result.Alpha.Where((_, i) => i != nearest), Is.All.Zero);
            Assert.That(result.Adapter!.UniformRank, Is.EqualTo(2));
            // A one-hot linear blend is that adapter exactly.
            Assert.That(result.Adapter.Pairs[0].A.Data, Is.EqualTo(TinyPool.Pool.Adapters.Adapters[nearest].Pairs[0].A.Data));
        });
    }

    [Test]
    public void RuntimeMixSetsThePoolsAdaptersWithAlphaAsScales()
    {
        using var customizer = Create(new CustomizerOptions { Mode = CustomizationMode.RuntimeMix, Alpha = new AlphaOptions { Temperature = 0.5 } });
        using var context = _model.CreateContext(LlamaTestRuntime.Context());
        var before = ExampleNll(context);
        using var result = customizer.Customize(TinyPool.Examples(), context);
        Assert.Multiple(() =>
        {
            Assert.That(result.Adapter, Is.Null);
            Assert.That(result.Timings.Blend, Is.EqualTo(TimeSpan.Zero));
            Assert.That(result.Adapters.Entries.Select(e => (double)e.Scale), Is.EqualTo(result.Blended.Select(i => (double)(float)result.Alpha[i])));
            Assert.That(ExampleNll(context), Is.Not.EqualTo(before));
            Assert.That(customizer.BlendDevice, Is.Null);
        });
    }

    [Test]
    public void PrecomputedEmbeddingsGiveTheSameAlphaAsTheExamples()
    {
        using var customizer = Create(new CustomizerOptions { Alpha = new AlphaOptions { Temperature = 0.3 } });
        using var context = _model.CreateContext(LlamaTestRuntime.Context());
        var examples = TinyPool.Examples();
        using var direct = customizer.Customize(examples, context);
        var request = new ExampleEmbeddings(_identity, TinyPool.Pool.Signal, examples.Select(customizer.Embed).ToArray());
        using var viaFile = customizer.Customize(ExampleEmbeddingsFile.Parse(ExampleEmbeddingsFile.ToBytes(request), "request.json"), context.ApplyAdapters);
        Assert.That(viaFile.Alpha, Is.EqualTo(direct.Alpha));
    }

    [Test]
    public void EmbeddingsMadeForAnotherModelSignalOrSizeAreRefused()
    {
        using var customizer = Create(new CustomizerOptions());
        var pool = TinyPool.Pool;
        var vector = Enumerable.Repeat(0.5f, pool.EmbeddingLength).ToArray();
        var otherModel = new ExampleEmbeddings(new PoolModel("smollm", "llama", new string('b', 64)), pool.Signal, [vector]);
        var otherSignal = new ExampleEmbeddings(_identity, EmbeddingSignal.Hidden, [vector]);
        var otherSize = new ExampleEmbeddings(_identity, pool.Signal, [vector[..10]]);
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<PoolMismatchException>(() => customizer.Customize(otherModel, _ => { }, "user.json"))!.Message,
                Does.Contain("user.json were embedded by model 'smollm'").And.Contain("stories260K"));
            Assert.That(Assert.Throws<PoolMismatchException>(() => customizer.Customize(otherSignal, _ => { }))!.Message,
                Does.Contain("hidden embeddings").And.Contain("query embeddings"));
            Assert.That(Assert.Throws<PoolMismatchException>(() => customizer.Customize(otherSize, _ => { }))!.Message,
                Does.Contain("10 values").And.Contain($"{pool.EmbeddingLength}"));
        });
    }

    [Test]
    public void APoolForAnotherModelOrSignalIsRefused()
    {
        var tiny = PoolModelIdentity.Of(TinyModel.Path);
        var wrongModel = Assert.Throws<PoolMismatchException>(() => new Customizer(_model, tiny, TinyPool.Pool))!;
        Assert.That(wrongModel.Message, Does.Contain("was built for model 'stories260K'").And.Contain("rebuild"));
        var wrongSignal = Assert.Throws<PoolMismatchException>(() => new Customizer(_model, _identity, TinyPool.Pool, new CustomizerOptions { Signal = EmbeddingSignal.Hidden }))!;
        Assert.That(wrongSignal.Message, Does.Contain("query embeddings").And.Contain("hidden"));
    }

    [Test]
    public void NoExamplesIsAnError()
    {
        using var customizer = Create(new CustomizerOptions());
        Assert.That(Assert.Throws<ArgumentException>(() => customizer.Customize([], _ => { }))!.Message, Does.Contain("at least one example"));
    }
}
