using Crayon.Tests.Support;
using Crayon.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

[Category(PathAgreement.Category)]
public class EmbeddingTests
{
    [Test]
    public void TheQuerySignalIsTheMeanPreRopeFirstLayerQueryOverAllTokens()
    {
        using var model = TinyModel.LoadCpu();
        using var embedder = new LlamaEmbedder(model, LlamaTestRuntime.Context());
        // Before RoPE, layer 0's query of a token depends on that token only (Wq · norm(embedding)), so the mean
        // over tokens ignores their order; after RoPE it would not, and neither does the causal hidden state.
        var forward = embedder.EmbedBoth("alpha beta gamma delta");
        var backward = embedder.EmbedBoth("delta gamma beta alpha");
        Assert.That(model.Tokenizer.Tokenize("alpha beta gamma delta").Order(), Is.EqualTo(model.Tokenizer.Tokenize("delta gamma beta alpha").Order()), "setup: the same tokens in both orders");
        Assert.That(forward.Query, Has.Length.EqualTo(model.QueryWidth));
        Assert.That(forward.Hidden, Has.Length.EqualTo(model.EmbeddingSize));
        PathAgreement.QueryEmbedding.AssertClose(backward.Query, forward.Query, "the same tokens in another order (rows of another batch position)");
        Assert.That(backward.Hidden, Is.Not.EqualTo(forward.Hidden).Within(1e-3));

        // The mean over tokens: [BOS, a] and [BOS, a, a, a] give (B + a) / 2 and (B + 3a) / 4.
        var one = model.Tokenizer.Tokenize("alpha");
        var three = model.Tokenizer.Tokenize("alpha alpha alpha");
        Assert.That(three, Is.EqualTo(one.Concat(one.Skip(1)).Concat(one.Skip(1))), "setup: SPM tokenizes the repeated word as repeated tokens");
        Assert.That(one, Has.Length.EqualTo(2), "setup: BOS and one token");
        var bos = embedder.Embed("", EmbeddingSignal.Query);
        var q1 = embedder.Embed("alpha", EmbeddingSignal.Query);
        var q3 = embedder.Embed("alpha alpha alpha", EmbeddingSignal.Query);
        var expected = bos.Select((b, i) => (b + 3 * (2 * q1[i] - b)) / 4).ToArray();
        PathAgreement.QueryEmbedding.AssertClose(q3, expected, "(B + 3a) / 4 from three decodes of other lengths");
        Assert.That(q1, Is.Not.EqualTo(bos).Within(1e-4));
    }

    [Test]
    public void LongTextsSpanningSeveralBatchesEmbedAsOne()
    {
        using var model = TinyModel.LoadCpu();
        using var chunked = new LlamaEmbedder(model, LlamaTestRuntime.Context(256, 3));
        using var whole = new LlamaEmbedder(model, LlamaTestRuntime.Context(256, 256));
        const string text = "one two three four five six seven eight nine ten eleven";
        var a = chunked.EmbedBoth(text);
        var b = whole.EmbedBoth(text);
        PathAgreement.QueryEmbedding.AssertClose(a.Query, b.Query, "3-token batches vs one batch");
        PathAgreement.HiddenEmbedding.AssertClose(a.Hidden, b.Hidden, "3-token batches vs one batch");
    }

    [Test]
    public void VulkanCapturesTheSameQuerySignal()
    {
        Assert.That(LlamaTestRuntime.Ensure().Devices.Any(d => d.Backend == "Vulkan"), "no Vulkan device (lavapipe with GGML_VK_VISIBLE_DEVICES=0)");
        using var cpu = TinyModel.LoadCpu();
        using var vulkan = LlamaModel.Load(TinyModel.Path, new LlamaModelOptions { Backend = LlamaBackend.Vulkan });
        using var onCpu = new LlamaEmbedder(cpu, LlamaTestRuntime.Context());
        using var onVulkan = new LlamaEmbedder(vulkan, LlamaTestRuntime.Context());
        var expected = onCpu.EmbedBoth("the tensor lives in device memory");
        var actual = onVulkan.EmbedBoth("the tensor lives in device memory");
        PathAgreement.VulkanQueryEmbedding.AssertClose(actual.Query, expected.Query, "Vulkan vs CPU");
        PathAgreement.VulkanHiddenEmbedding.AssertClose(actual.Hidden, expected.Hidden, "Vulkan vs CPU");
    }
}
