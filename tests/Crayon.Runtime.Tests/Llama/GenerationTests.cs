using Crayon.Tests.Support;
using Crayon.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

public class GenerationTests
{
    private static readonly LlamaContextOptions Small = LlamaTestRuntime.Context(256);

    [Test]
    public void GreedyGenerationIsDeterministicAndStreamsTheSameText()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        var options = new GenerationOptions { MaxTokens = 12 };
        var tokens = context.Generate("Once upon a time", options).ToList();
        var again = context.Generate("Once upon a time", options).ToList();
        Assert.That(tokens, Has.Count.EqualTo(12));
        Assert.That(again.Select(t => t.Id), Is.EqualTo(tokens.Select(t => t.Id)));
        var streamed = string.Concat(context.GenerateTextAsync("Once upon a time", options).ToBlockingEnumerable());
        Assert.That(streamed, Is.EqualTo(string.Concat(tokens.Select(t => t.Text))).And.Not.Empty);
        Assert.That(context.LastFinishReason, Is.EqualTo(FinishReason.MaxTokens));
    }

    [Test]
    public void GreedyTakesTheArgmaxOfTheLogits()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        var logits = context.EvaluateLogits("The quick brown fox");
        var first = context.Generate("The quick brown fox", new GenerationOptions { MaxTokens = 1 }).First();
        Assert.That(first.Id, Is.EqualTo(Array.IndexOf(logits, logits.Max())));
    }

    [Test]
    public void SeededSamplingIsReproducibleAndSeedsDiffer()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        GenerationOptions Sampled(uint seed) => new()
        {
            MaxTokens = 16,
            Sampling = new SamplingOptions { Temperature = 1.5f, TopK = 0, TopP = 1f, MinP = 0f, Seed = seed },
        };
        var a = context.Generate("Hello", Sampled(7)).Select(t => t.Id).ToArray();
        var b = context.Generate("Hello", Sampled(7)).Select(t => t.Id).ToArray();
        var c = context.Generate("Hello", Sampled(8)).Select(t => t.Id).ToArray();
        var greedy = context.Generate("Hello", new GenerationOptions { MaxTokens = 16 }).Select(t => t.Id).ToArray();
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
        Assert.That(a, Is.Not.EqualTo(greedy));
    }

    [Test]
    public void TopKOfOneIsGreedy()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        var topOne = context.Generate("Hello", new GenerationOptions
        {
            MaxTokens = 10,
            Sampling = new SamplingOptions { Temperature = 2f, TopK = 1, Seed = 3 },
        }).Select(t => t.Id).ToArray();
        var greedy = context.Generate("Hello", new GenerationOptions { MaxTokens = 10 }).Select(t => t.Id).ToArray();
        Assert.That(topOne, Is.EqualTo(greedy));
    }

    [Test]
    public void CancellationStopsGenerationBetweenTokens()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        using var cancel = new CancellationTokenSource();
        var produced = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var _ in context.Generate("Hello", new GenerationOptions { MaxTokens = 200 }, cancel.Token))
                if (++produced == 3) cancel.Cancel();
        });
        Assert.That(produced, Is.EqualTo(3));
        // The context is free again afterwards.
        Assert.That(context.GenerateText("Hello", new GenerationOptions { MaxTokens = 2 }), Is.Not.Empty);
    }

    [Test]
    public void APromptLongerThanTheContextIsAClearError()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        var prompt = string.Join(" ", Enumerable.Repeat("word", context.ContextLength + 10));
        var error = Assert.Throws<PromptTooLongException>(() => context.Generate(prompt).ToList())!;
        Assert.That(error.ContextLength, Is.EqualTo(context.ContextLength));
        Assert.That(error.Tokens, Is.GreaterThan(context.ContextLength));
        Assert.That(error.Message, Does.Contain($"{error.Tokens} tokens").And.Contain($"holds {context.ContextLength}"));
        Assert.Throws<PromptTooLongException>(() => context.ScoreContinuation(prompt, " x"));
    }

    [Test]
    public void GenerationStopsWhenTheContextIsFull()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        var tokens = context.Generate("Hello", new GenerationOptions { MaxTokens = 10_000 }).Count();
        Assert.That(context.LastFinishReason, Is.EqualTo(FinishReason.ContextFull).Or.EqualTo(FinishReason.EndOfGeneration));
        Assert.That(tokens, Is.LessThanOrEqualTo(context.ContextLength));
    }

    [Test]
    public void AContextRefusesASecondConcurrentRequest()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(Small);
        using var running = context.Generate("Hello", new GenerationOptions { MaxTokens = 50 }).GetEnumerator();
        Assert.That(running.MoveNext(), Is.True);
        var error = Assert.Throws<InvalidOperationException>(() => context.EvaluateLogits("Hi"))!;
        Assert.That(error.Message, Does.Contain("already in use"));
    }

    [Category(PathAgreement.Category)]
    [Test]
    public void VulkanOnLavapipeGeneratesWhatTheCpuGenerates()
    {
        var info = LlamaTestRuntime.Ensure();
        Assert.That(info.Devices.Any(d => d.Backend == "Vulkan"), "no Vulkan device (lavapipe with GGML_VK_VISIBLE_DEVICES=0)");
        using var cpu = TinyModel.LoadCpu();
        using var vulkan = LlamaModel.Load(TinyModel.Path, new LlamaModelOptions { Backend = LlamaBackend.Vulkan });
        Assert.That(vulkan.Device?.Backend, Is.EqualTo("Vulkan"));
        using var onCpu = cpu.CreateContext(Small);
        using var onVulkan = vulkan.CreateContext(Small);
        var options = new GenerationOptions { MaxTokens = 12 };
        Assert.That(onVulkan.Generate("Once upon a time", options).Select(t => t.Id),
            Is.EqualTo(onCpu.Generate("Once upon a time", options).Select(t => t.Id)));
        PathAgreement.VulkanLogits.AssertClose(onVulkan.EvaluateLogits("Hello"), onCpu.EvaluateLogits("Hello"), "Vulkan vs CPU");
    }
}
