using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Formats.Gguf;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tests.Llama;
using Crayon.Tests.Server;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

/// <summary>
/// The customizer blends any <see cref="BlendRecipe"/> (PEFT's merges included) into its live slot: a recipe with the
/// slot's shape (rank r: linear and every merge) lands in place, and the logits equal the same recipe blended by
/// <see cref="ResidentPool"/> directly and loaded fresh, bit for bit (same F32 values, same llama.cpp graph).
/// </summary>
public class CustomizerRecipeTests : TempFolderTest
{
    private static readonly double[] First = [0.6, 0.2, 0.15, 0.05], Second = [0.1, 0.5, 0.3, 0.1];

    private static float[] Logits(LlamaContext context) => context.EvaluateLogits("Once upon a time");

    private (LlamaModel Model, AdapterPoolArtifact Pool, PoolModel Identity) Load()
    {
        var modelPath = PathIn("stories.gguf");
        var pool = StoriesPool.Write(modelPath, PathIn("pool.gguf"));
        return (LlamaTestRuntime.LoadCpu(modelPath), pool, PoolModelIdentity.Of(modelPath));
    }

    private static Customizer Create(LlamaModel model, PoolModel identity, AdapterPoolArtifact pool, BlendBackend backend, CustomizationMode mode) =>
        new(model, identity, pool, new CustomizerOptions { Mode = mode, Guard = GuardOptions.Off, Blender = new BlenderOptions { Backend = backend } });

    /// <summary>The reference: the recipe through a resident pool of its own, the blend loaded into llama.cpp from a GGUF image.</summary>
    private static float[] FreshLoad(LlamaModel model, AdapterPool pool, BlendRecipe recipe, double[] alpha, BlendBackend backend)
    {
        using var blender = Blender.Create(new BlenderOptions { Backend = backend });
        using var resident = blender.Upload(pool, PoolStorage.Float32);
        var blend = resident.Blend(alpha.Select(a => (float)a).ToArray(), recipe).Adapter;
        using var adapter = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(blend, GgmlType.F32), "reference");
        using var context = model.CreateContext(LlamaTestRuntime.Context());
        context.ApplyAdapters(AdapterSet.Single(adapter));
        return Logits(context);
    }

    [TestCase(BlendBackend.Cpu, "ties:density=0.5")]
    [TestCase(BlendBackend.Cpu, "dare_ties:density=0.7,seed=3")]
    [TestCase(BlendBackend.Cpu, "magnitude_prune:density=0.4")]
    [TestCase(BlendBackend.Vulkan, "dare_linear:density=0.6,seed=9")]
    public void AMergeRecipeLandsInPlaceAndEqualsTheSameRecipeBlendedDirectly(BlendBackend backend, string text)
    {
        var recipe = BlendRecipe.Parse(text);
        var (model, pool, identity) = Load();
        using (model)
        {
            float[] linear, merged, mergedFirst;
            CustomizationResult swapped, recipeSwap;
            using (var customizer = Create(model, identity, pool, backend, CustomizationMode.Linear))
            using (var context = model.CreateContext(LlamaTestRuntime.Context()))
            {
                Assert.That(customizer.Apply(First, context).Swap, Is.EqualTo(SwapKind.Loaded));
                linear = Logits(context);
                // Another recipe of the slot's shape (rank r) is written in place, not loaded.
                recipeSwap = customizer.Apply(First, context, recipe);
                mergedFirst = Logits(context);
                swapped = customizer.Apply(Second, context, recipe);
                merged = Logits(context);
            }
            Assert.Multiple(() =>
            {
                Assert.That(recipeSwap.Swap, Is.EqualTo(SwapKind.InPlace), "linear to a merge keeps the slot's shape");
                Assert.That(swapped.Swap, Is.EqualTo(SwapKind.InPlace));
                Assert.That(mergedFirst, Is.Not.EqualTo(linear), "the merge differs from linear (else this test proves nothing)");
                Assert.That(merged, Is.Not.EqualTo(mergedFirst), "a second alpha differs from the first");
                Assert.That(mergedFirst, Is.EqualTo(FreshLoad(model, pool.Adapters, recipe, First, backend)), "recipe after linear, in place");
                Assert.That(merged, Is.EqualTo(FreshLoad(model, pool.Adapters, recipe, Second, backend)), "recipe after recipe, in place");
            });
        }
    }

    [Test]
    public void TheOptionsRecipeIsTheDefaultAndConcatIsAnotherShapeThatLoadsOnce()
    {
        var ties = BlendRecipe.Ties(0.5f);
        var (model, pool, identity) = Load();
        using (model)
        using (var customizer = Create(model, identity, pool, BlendBackend.Cpu, ties))
        using (var context = model.CreateContext(LlamaTestRuntime.Context()))
        {
            var first = customizer.Apply(First, context);
            var logits = Logits(context);
            var concat = customizer.Apply(First, context, BlendRecipe.Concat);
            var back = customizer.Apply(Second, context);
            Assert.Multiple(() =>
            {
                Assert.That(first.Swap, Is.EqualTo(SwapKind.Loaded));
                Assert.That(logits, Is.EqualTo(FreshLoad(model, pool.Adapters, ties, First, BlendBackend.Cpu)), "the options' recipe is ties");
                Assert.That(concat.Swap, Is.EqualTo(SwapKind.Loaded), "concat stacks 4 adapters: rank 4r, a new shape");
                Assert.That(back.Swap, Is.EqualTo(SwapKind.Loaded), "back to rank r: the slot has concat's shape now");
                Assert.That(Logits(context), Is.EqualTo(FreshLoad(model, pool.Adapters, ties, Second, BlendBackend.Cpu)));
                Assert.That(customizer.BlendToHost(Second, BlendRecipe.Linear).Pairs[0].A.Data,
                    Is.Not.EqualTo(customizer.BlendToHost(Second).Pairs[0].A.Data), "BlendToHost takes the recipe too");
            });
        }
    }

    [Test]
    public void AMergeRefusesNegativeWeightsAndRuntimeMixRefusesARecipeByName()
    {
        var (model, pool, identity) = Load();
        using (model)
        using (var context = model.CreateContext(LlamaTestRuntime.Context()))
        {
            using (var customizer = Create(model, identity, pool, BlendBackend.Cpu, CustomizationMode.Linear))
                Assert.That(() => customizer.Apply([0.5, -0.5, 0.5, 0.5], context, BlendRecipe.Ties()),
                    Throws.ArgumentException.With.Message.Contains("weights[1]").And.Message.Contains("ties"));
            using (var mix = Create(model, identity, pool, BlendBackend.Cpu, CustomizationMode.RuntimeMix))
                Assert.That(() => mix.Apply(First, context, BlendRecipe.Ties()),
                    Throws.InvalidOperationException.With.Message.Contains("runtime mix").And.Message.Contains("ties"));
        }
    }

    [Test]
    public void TheModeParsesMixAndEveryRecipeAndNamesTheKnownOnesOtherwise()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CustomizationMode.Parse("MIX"), Is.EqualTo(CustomizationMode.RuntimeMix));
            Assert.That(CustomizationMode.Parse("linear"), Is.EqualTo(CustomizationMode.Linear));
            Assert.That(CustomizationMode.Parse("dare_ties:density=0.25,seed=4").Recipe, Is.EqualTo(BlendRecipe.DareTies(0.25f, seed: 4)));
            Assert.That(CustomizationMode.Parse(CustomizationMode.Parse("ties:density=0.3").ToString()), Is.EqualTo(CustomizationMode.Blend(BlendRecipe.Ties(0.3f))));
            Assert.That(() => CustomizationMode.Parse("blend_all"),
                Throws.InstanceOf<FormatException>().With.Message.Contains("blend_all").And.Message.Contains("magnitude_prune").And.Message.Contains("mix"));
        });
    }
}
