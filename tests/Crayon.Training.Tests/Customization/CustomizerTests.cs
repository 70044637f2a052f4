using Crayon.Blending;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tests.Llama;
using Crayon.Tests.Pool;
using Crayon.Tasks;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

/// <summary>Instant customization end to end on a real pool and model: examples in, adapter live in llama.cpp out.</summary>
public class CustomizerTests : StoriesModelFixture
{
    private static Customizer Create(CustomizerOptions options, BlendBackend backend = BlendBackend.Cpu) =>
        new(Model, Identity, TinyPool.Pool, options with { Guard = GuardOptions.Off, Blender = new BlenderOptions { Backend = backend } });

    private static IReadOnlyList<Example> Examples(int count = 8) => TinyPool.Examples(count).AsExamples();

    /// <summary>The full next-token distribution after a prompt: what any difference in the adapter's values would move.</summary>
    private static float[] Logits(LlamaContext context, string prompt = "Once upon a time") => context.EvaluateLogits(prompt);

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
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        var before = ExampleNll(context);

        var result = customizer.Customize(Examples(), context);

        Assert.Multiple(() =>
        {
            Assert.That(result.Alpha.Sum(), Is.EqualTo(1).Within(1e-12));
            Assert.That(result.Alpha, Is.All.GreaterThan(0), "softmax over all adapters");
            Assert.That(result.Similarities, Has.Length.EqualTo(2).And.All.InRange(-1.0, 1.0));
            Assert.That(result.TaskEmbedding, Has.Length.EqualTo(TinyPool.Pool.EmbeddingLength));
            Assert.That(result.Blended, Has.Count.EqualTo(2));
            Assert.That(result.Swap, Is.EqualTo(SwapKind.Loaded), "the first blend of a shape loads once");
            Assert.That(customizer.BlendToHost(result.Alpha).UniformRank, Is.EqualTo(2 * 2), "concat stacks both rank-2 adapters");
            Assert.That(context.Adapters.Entries, Has.Count.EqualTo(1), "one live adapter on the context");
            Assert.That(ExampleNll(context), Is.Not.EqualTo(before), "the adapter changes the logits");
            Assert.That(result.Timings.Embed, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(result.Timings.Blend, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(result.Timings.Swap, Is.GreaterThan(TimeSpan.Zero));
            Assert.That(result.Timings.Total, Is.EqualTo(result.Timings.Embed + result.Timings.Alpha + result.Timings.Blend + result.Timings.Swap));
            Assert.That(result.BlendTimings, Is.Not.Null);
        });
    }

    [Test]
    public void LinesOfTextCustomizeWithoutAnyQaItem()
    {
        using var customizer = Create(new CustomizerOptions { Alpha = new AlphaOptions { Temperature = 0.5 } });
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        var before = Logits(context);
        var result = customizer.Customize(["The little dog ran to the park.", "She found a red ball under the tree.", "They played until the sun went down."], context);
        Assert.Multiple(() =>
        {
            Assert.That(result.Alpha.Sum(), Is.EqualTo(1).Within(1e-12));
            Assert.That(Logits(context), Is.Not.EqualTo(before));
            Assert.That(() => customizer.Customize(new[] { "fine", " " }, context), Throws.ArgumentException.With.Message.Contains("line 2 is empty"));
        });
    }

    [TestCase(BlendBackend.Cpu)]
    [TestCase(BlendBackend.Vulkan)]
    public void ASecondCustomizationLandsInPlaceAndEqualsAFreshLoadExactly(BlendBackend backend)
    {
        var first = new[] { 0.9, 0.1 };
        var second = new[] { 0.2, 0.8 };
        float[] inPlace;
        CustomizationResult swapped;
        using (var customizer = Create(new CustomizerOptions { Mode = CustomizationMode.Concat }, backend))
        using (var context = Model.CreateContext(LlamaTestRuntime.Context()))
        {
            Assert.That(customizer.Apply(first, context).Swap, Is.EqualTo(SwapKind.Loaded));
            var firstLogits = Logits(context);
            swapped = customizer.Apply(second, context);
            inPlace = Logits(context);
            Assert.That(inPlace, Is.Not.EqualTo(firstLogits), "the in-place swap reached llama.cpp's tensors");
        }
        float[] fresh;
        using (var customizer = Create(new CustomizerOptions { Mode = CustomizationMode.Concat }, backend))
        using (var context = Model.CreateContext(LlamaTestRuntime.Context()))
        {
            Assert.That(customizer.Apply(second, context).Swap, Is.EqualTo(SwapKind.Loaded));
            fresh = Logits(context);
        }
        Assert.Multiple(() =>
        {
            Assert.That(swapped.Swap, Is.EqualTo(SwapKind.InPlace));
            Assert.That(swapped.InPlace, Is.Not.Null);
            Assert.That(swapped.Timings.AlphaToLive, Is.EqualTo(swapped.Timings.Blend + swapped.Timings.Swap));
            // The same F32 values through the same llama.cpp graph: bit for bit, not within a tolerance.
            Assert.That(inPlace, Is.EqualTo(fresh));
        });
    }

    [Test]
    public void ANewShapeLoadsOnceAndBecomesTheSlot()
    {
        using var customizer = Create(new CustomizerOptions { Mode = CustomizationMode.Concat });
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        Assert.Multiple(() =>
        {
            Assert.That(customizer.Apply([0.5, 0.5], context).Swap, Is.EqualTo(SwapKind.Loaded));
            Assert.That(customizer.Apply([0.3, 0.7], context).Swap, Is.EqualTo(SwapKind.InPlace));
            Assert.That(customizer.Apply([1.0, 0.0], context).Swap, Is.EqualTo(SwapKind.Loaded), "one adapter stacked instead of two: another rank");
            Assert.That(customizer.Apply([0.0, 1.0], context).Swap, Is.EqualTo(SwapKind.InPlace));
        });
    }

    [Test]
    public void TheBaseModelInBetweenDoesNotBreakTheSlot()
    {
        using var customizer = Create(new CustomizerOptions { Mode = CustomizationMode.Linear });
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        var baseLogits = Logits(context);
        customizer.Apply([0.5, 0.5], context);
        var blended = Logits(context);
        context.ApplyAdapters(AdapterSet.None);
        Assert.That(Logits(context), Is.EqualTo(baseLogits));
        customizer.Restore(context);
        Assert.That(Logits(context), Is.EqualTo(blended));
        context.ApplyAdapters(AdapterSet.None);
        Assert.That(customizer.Apply([0.5, 0.5], context).Swap, Is.EqualTo(SwapKind.InPlace), "the slot is applied again, then rewritten");
        Assert.That(Logits(context), Is.EqualTo(blended));
    }

    [Test]
    public void AGenerationInFlightNeverSeesAHalfWrittenAdapter()
    {
        using var customizer = Create(new CustomizerOptions { Mode = CustomizationMode.Concat });
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        // Large weights make the tiny pool's adapters move a greedy generation (alpha 0.9/0.1 leaves it unchanged).
        double[][] alphas = [[40, -40], [-40, 40]];
        var options = new GenerationOptions { MaxTokens = 24 };
        string Generate() => string.Concat(context.Generate("Once upon a time", options).Select(t => t.Text));
        var expected = alphas.Select(a => { customizer.Apply(a, context); return Generate(); }).ToArray();
        Assert.That(expected[0], Is.Not.EqualTo(expected[1]), "the two customizations must generate differently for the test to see a mix");

        var generated = new System.Collections.Concurrent.ConcurrentBag<string>();
        var swaps = 0;
        var refused = 0;
        using var stop = new CancellationTokenSource();
        var generator = Task.Run(() =>
        {
            // Bounded: 20 whole generations, or 2,000 attempts refused because a swap held the context.
            for (var attempt = 0; generated.Count < 20 && attempt < 2_000; attempt++)
            {
                try { generated.Add(Generate()); }
                catch (InvalidOperationException e) when (e.Message.Contains("already in use")) { Thread.Yield(); }
            }
            stop.Cancel();
        });
        for (var i = 0; !stop.IsCancellationRequested && i < 2_000; i++)
        {
            try
            {
                customizer.Apply(alphas[i % 2], context);
                swaps++;
            }
            catch (InvalidOperationException e) when (e.Message.Contains("already in use")) { refused++; }
            Thread.Sleep(1); // leave the context free between swaps so generations start, some of them mid-swap-loop
        }
        generator.Wait();
        Assert.Multiple(() =>
        {
            Assert.That(generated, Has.Count.EqualTo(20));
            Assert.That(swaps, Is.GreaterThan(0), "some swaps landed between generations");
            Assert.That(generated, Is.All.AnyOf(expected[0], expected[1]), "every generation ran on one whole customization");
        });
    }

    [Test]
    public void RuntimeMixSetsThePoolsAdaptersWithAlphaAsScales()
    {
        using var customizer = Create(new CustomizerOptions { Mode = CustomizationMode.RuntimeMix, Alpha = new AlphaOptions { Temperature = 0.5 } });
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        var before = ExampleNll(context);
        var result = customizer.Customize(Examples(), context);
        Assert.Multiple(() =>
        {
            Assert.That(result.Swap, Is.EqualTo(SwapKind.RuntimeMix));
            Assert.That(result.Timings.Blend, Is.EqualTo(TimeSpan.Zero));
            Assert.That(context.Adapters.Entries.Select(e => (double)e.Scale), Is.EqualTo(result.Blended.Select(i => (double)(float)result.Alpha[i])));
            Assert.That(ExampleNll(context), Is.Not.EqualTo(before));
            Assert.That(customizer.BlendDevice, Is.Null);
            Assert.That(() => customizer.BlendToHost(result.Alpha), Throws.InvalidOperationException.With.Message.Contains("runtime mix"));
        });
    }

    [Test]
    public void PrecomputedEmbeddingsGiveTheSameAlphaAsTheExamples()
    {
        using var customizer = Create(new CustomizerOptions { Alpha = new AlphaOptions { Temperature = 0.3 } });
        var examples = Examples();
        var direct = customizer.Compute(examples);
        var request = new ExampleEmbeddings(Identity, TinyPool.Pool.Signal, customizer.Embed(examples));
        var viaFile = customizer.Compute(ExampleEmbeddingsFile.Parse(ExampleEmbeddingsFile.ToBytes(request), "request.json"));
        Assert.Multiple(() =>
        {
            Assert.That(viaFile.Alpha, Is.EqualTo(direct.Alpha));
            Assert.That(viaFile.TaskEmbedding, Is.EqualTo(direct.TaskEmbedding));
        });
    }

    [Test]
    public void EmbeddingsMadeForAnotherModelSignalOrSizeAreRefused()
    {
        using var customizer = Create(new CustomizerOptions());
        var pool = TinyPool.Pool;
        var vector = Enumerable.Repeat(0.5f, pool.EmbeddingLength).ToArray();
        var otherModel = new ExampleEmbeddings(new PoolModel("smollm", "llama", new string('b', 64)), pool.Signal, [vector]);
        var otherSignal = new ExampleEmbeddings(Identity, EmbeddingSignal.Hidden, [vector]);
        var otherSize = new ExampleEmbeddings(Identity, pool.Signal, [vector[..10]]);
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<PoolMismatchException>(() => customizer.Compute(otherModel, "user.json"))!.Message,
                Does.Contain("user.json were embedded by model 'smollm'").And.Contain("stories260K"));
            Assert.That(Assert.Throws<PoolMismatchException>(() => customizer.Compute(otherSignal))!.Message,
                Does.Contain("hidden embeddings").And.Contain("query embeddings"));
            Assert.That(Assert.Throws<PoolMismatchException>(() => customizer.Compute(otherSize))!.Message,
                Does.Contain("10 values").And.Contain($"{pool.EmbeddingLength}"));
        });
    }

    [Test]
    public void APoolForAnotherModelOrSignalIsRefused()
    {
        var tiny = PoolModelIdentity.Of(TinyModel.Path);
        var wrongModel = Assert.Throws<PoolMismatchException>(() => new Customizer(Model, tiny, TinyPool.Pool))!;
        Assert.That(wrongModel.Message, Does.Contain("was built for model 'stories260K'").And.Contain("rebuild"));
        var wrongSignal = Assert.Throws<PoolMismatchException>(() => new Customizer(Model, Identity, TinyPool.Pool, new CustomizerOptions { Signal = EmbeddingSignal.Hidden }))!;
        Assert.That(wrongSignal.Message, Does.Contain("query embeddings").And.Contain("hidden"));
    }

    [Test]
    public void NoExamplesOrBadWeightsAreErrors()
    {
        using var customizer = Create(new CustomizerOptions());
        using var context = Model.CreateContext(LlamaTestRuntime.Context());
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentException>(() => customizer.Compute(Array.Empty<Example>()))!.Message, Does.Contain("at least one example"));
            Assert.That(Assert.Throws<ArgumentException>(() => customizer.Apply([0.0, 0.0], context))!.Message, Does.Contain("all zeros"));
            Assert.That(Assert.Throws<ArgumentException>(() => customizer.Apply([double.NaN, 1.0], context))!.Message, Does.Contain("alpha[0] is NaN"));
            Assert.That(Assert.Throws<ArgumentException>(() => customizer.Apply([1.0], context))!.Message, Does.Contain("the pool has 2 adapters"));
        });
    }
}
