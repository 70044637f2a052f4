using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tests.Llama;
using Crayon.Tests.Pool;
using Crayon.Tests.Training;
using Crayon.Training;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

/// <summary>
/// The guard's softened candidates on a real model: a pool built so that alpha over-commits to the wrong adapter, where
/// smoothing alpha toward uniform lowers the held-out NLL and the guard keeps (and makes live) the smoothed blend.
/// </summary>
public class GuardSoftenedCandidateTests : StoriesModelFixture
{
    private static CustomizerOptions Options(GuardOptions guard) => new() { Guard = guard, Blender = new BlenderOptions { Backend = BlendBackend.Cpu } };

    /// <summary>The same low-rank update with its sign flipped: B negated, so B·A is −B·A.</summary>
    private static LoraAdapter Negated(LoraAdapter adapter) => new(adapter.Architecture, adapter.Alpha,
        adapter.Pairs.Select(p => new LoraPair(p.Target, p.A, new LoraMatrix(p.B.Rows, p.B.Cols, p.B.Data.Select(v => -v).ToArray()))).ToArray());

    /// <summary>
    /// Adapter 0 is trained on the examples' texts (it helps), adapter 1 is its negation (it hurts); centroid 1 is the
    /// examples' own direction and centroid 0 its opposite, so every example votes for the harmful adapter.
    /// </summary>
    private (AdapterPoolArtifact Pool, Example[] Examples) HelpfulAndHarmfulPool(IReadOnlyDictionary<string, string>? provenance = null)
    {
        var texts = TrainingFixture.Texts(12);
        var trained = LoraTrainer.Train(TrainingFixture.Model, texts.Select(t => t.Text).ToArray(), 2, TrainingFixture.Tiny with { Epochs = 4 }).Adapter;
        var examples = texts.Take(8).Select(t => new Example(t.Prompt, t.Completion)).ToArray();
        var tiny = TinyPool.Pool;
        float[] direction;
        using (var embedder = new Customizer(Model, Identity, tiny, Options(GuardOptions.Off)))
            direction = tiny.ToCentroidSpace(MeanEmbedding.Of(embedder.Embed(examples)));
        var pool = new AdapterPoolArtifact(new AdapterPool([trained, Negated(trained)]), [direction.Select(v => -v).ToArray(), direction], tiny.Signal, tiny.Model,
            provenance: provenance, embeddingCenter: tiny.EmbeddingCenter);
        return (pool, examples);
    }

    [Test]
    public void WhenAlphaOverCommitsToAHarmfulAdapterTheGuardKeepsAlphaSmoothedTowardUniform()
    {
        // The concat blend is (alpha_0 − alpha_1)·ΔW, so alpha peaked on adapter 1 moves the model against the texts, and
        // halfway to uniform halves that move: lower NLL on the held-out texts than the full blend.
        var (pool, examples) = HelpfulAndHarmfulPool();
        var smoothed = GuardChoice.TowardUniform(0.5);
        using var customizer = new Customizer(Model, Identity, pool, Options(new GuardOptions { Candidates = [GuardChoice.Blend, smoothed] }));
        var alpha = customizer.Coefficients(customizer.Embed(examples)).Alpha;
        Assert.That(alpha[1], Is.GreaterThan(0.9), "the constructed pool puts alpha on the harmful adapter");
        using var context = Model.CreateContext(LlamaTestRuntime.Context());

        var result = customizer.Customize(examples, context);

        var verdict = result.Guard!;
        Assert.Multiple(() =>
        {
            Assert.That(verdict.Candidates.Select(c => c.Choice), Is.EqualTo(new[] { GuardChoice.Blend, smoothed }), "judged in the order given");
            Assert.That(verdict.Candidates[1].MeanNll, Is.LessThan(verdict.Candidates[0].MeanNll), verdict.ToString());
            Assert.That(verdict.Kept, Is.EqualTo(smoothed), verdict.ToString());
            Assert.That(verdict.KeptScale, Is.EqualTo(1));
            Assert.That(verdict.ToString(), Does.StartWith("guard kept alpha 0.5 toward uniform").And.Contain("the full blend is"));
            Assert.That(verdict.Blends, Is.EqualTo(2), "the blend and the smoothed blend: one blend and swap each");
            Assert.That(verdict.ForwardPasses, Is.EqualTo(2 * 2), "2 held-out examples × 2 candidates");
            Assert.That(result.Alpha, Is.EqualTo(alpha.Select(a => 0.5 * a + 0.25).ToArray()).Within(1e-12), "what went live: alpha of all examples, halfway to uniform");
            Assert.That(context.Adapters.Entries.Single().Scale, Is.EqualTo(1f));
        });

        // The live adapter is exactly the smoothed alpha's blend, loaded fresh.
        var live = context.EvaluateLogits(examples[0].Prompt);
        using var fresh = LlamaAdapter.Load(Model, LoraAdapterGguf.ToBytes(customizer.BlendToHost(result.Alpha), Crayon.Formats.Gguf.GgmlType.F32), "fresh");
        using var other = Model.CreateContext(LlamaTestRuntime.Context());
        other.ApplyAdapters(AdapterSet.Single(fresh));
        Assert.That(live, Is.EqualTo(other.EvaluateLogits(examples[0].Prompt)), "the same F32 weights through the same llama.cpp kernels");
    }

    [Test]
    public void TheCandidateTowardThePriorMixesAlphaWithThePoolsClusterSharesAndIsKeptWhereItHelps()
    {
        // The same helpful/harmful pair, but the build's cluster sizes say the helpful adapter's cluster held three
        // quarters of the examples: halfway to that prior turns the blend's −ΔW into −0.25·ΔW.
        var (pool, examples) = HelpfulAndHarmfulPool(new Dictionary<string, string> { [PoolPrior.ClusterSizesKey] = "30,10" });
        var towardPrior = GuardChoice.TowardPrior(0.5);
        using var customizer = new Customizer(Model, Identity, pool, Options(new GuardOptions { Candidates = [GuardChoice.Blend, GuardChoice.TowardUniform(0.5), towardPrior] }));
        var alpha = customizer.Coefficients(customizer.Embed(examples)).Alpha;
        using var context = Model.CreateContext(LlamaTestRuntime.Context());

        var result = customizer.Customize(examples, context);

        var verdict = result.Guard!;
        Assert.Multiple(() =>
        {
            Assert.That(pool.Prior, Is.EqualTo(new[] { 0.75, 0.25 }));
            Assert.That(verdict.Kept, Is.EqualTo(towardPrior), verdict.ToString());
            Assert.That(verdict.Candidates[2].MeanNll, Is.LessThan(verdict.Candidates[1].MeanNll), "closer to the helpful adapter than halfway to uniform");
            Assert.That(verdict.ToString(), Does.StartWith("guard kept alpha 0.5 toward the pool's prior"));
            Assert.That(result.Alpha, Is.EqualTo(new[] { 0.5 * alpha[0] + 0.375, 0.5 * alpha[1] + 0.125 }).Within(1e-12), "alpha of all examples, halfway to the prior");
        });
    }

    [Test]
    public void ATemperedCandidateBlendsAlphaRefitAtTheHigherTemperature()
    {
        var examples = TinyPool.Examples(8).Select(i => new Example(i.Question)).ToArray();
        var tempered = GuardChoice.Tempered(4);
        using var customizer = new Customizer(Model, Identity, TinyPool.Pool, Options(new GuardOptions { Candidates = [tempered] }));
        using var context = Model.CreateContext(LlamaTestRuntime.Context());

        var result = customizer.Customize(examples, context);

        var refit = customizer.Coefficients(customizer.Embed(examples), AlphaOptions.Default with { Temperature = 0.04 }).Alpha;
        Assert.Multiple(() =>
        {
            Assert.That(result.Guard!.Kept, Is.EqualTo(tempered), "the only candidate");
            Assert.That(result.Alpha, Is.EqualTo(refit).Within(1e-12), "alpha of all examples at tau 0.01 × 4");
            Assert.That(result.Alpha, Is.Not.EqualTo(customizer.Coefficients(customizer.Embed(examples)).Alpha), "not the tau 0.01 alpha");
        });
    }

    [Test]
    public void ACustomizerRefusesAnUnknownCandidateKind()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            new Customizer(Model, Identity, TinyPool.Pool, Options(new GuardOptions { Candidates = [GuardChoice.Blend, new GuardChoice((GuardCandidateKind)9, 1)] })))!;
        Assert.That(error.Message, Does.Contain("unknown guard candidate kind 9"));
    }
}
