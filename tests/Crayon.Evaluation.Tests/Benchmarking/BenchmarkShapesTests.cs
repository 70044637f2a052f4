using Crayon.Benchmarking;
using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Benchmarking;

/// <summary>The shapes and configurations the GPU benchmarks are named by.</summary>
public class BenchmarkShapesTests
{
    [Test]
    public void ShapesHaveThePublishedSizes()
    {
        // Llama-3.2-1B, rank 16 on all seven modules: 21.5 MiB per adapter in fp16 (what PEFT reports for the same model).
        Assert.That(LoraShape.Llama32_1B.ElementsPerAdapter, Is.EqualTo(11_272_192));
        Assert.That(LoraShape.Llama32_1B.ElementsPerAdapter * 2 / (double)(1 << 20), Is.EqualTo(21.5).Within(0.01));
        Assert.That(LoraShape.Llama3_8B.ElementsPerAdapter, Is.EqualTo(32L * 16 * (2 * 8192 + 2 * 5120 + 3 * 18432)));
        var kv = LoraShape.Llama32_1B.Targets().First(t => t.Name == "blk.15.attn_v");
        Assert.That(kv, Is.EqualTo(("blk.15.attn_v", 2048, 512)));
        Assert.That(LoraShape.Find("LLAMA-3-8B"), Is.SameAs(LoraShape.Llama3_8B));
        Assert.That(Assert.Throws<ArgumentException>(() => LoraShape.Find("gpt-2"))!.Message, Does.Contain("llama-3.2-1b"));
    }

    [Test]
    public void AShapePoolHasExactlyTheShapesTargets()
    {
        var pool = SyntheticPools.ForShape(LoraShape.Smoke, 3);
        Assert.That(pool.Count, Is.EqualTo(3));
        Assert.That(pool.Rank, Is.EqualTo(LoraShape.Smoke.Rank));
        Assert.That(pool.ElementsPerAdapter, Is.EqualTo(LoraShape.Smoke.ElementsPerAdapter));
        Assert.That(pool.Targets.Select(t => (t.Name, t.InFeatures, t.OutFeatures)), Is.EqualTo(LoraShape.Smoke.Targets()));
    }

    [Test]
    public void DecodeConfigurationsParseOrSayWhy()
    {
        Assert.That(DecodeConfiguration.Parse("mix-8"), Is.EqualTo(new DecodeConfiguration("mix-8", "mix", 8)));
        Assert.That(DecodeConfiguration.Parse(" Concat-4"), Is.EqualTo(new DecodeConfiguration("concat-4", "concat", 4)));
        Assert.That(DecodeConfiguration.Parse("none").K, Is.Zero);
        foreach (var bad in new[] { "mix", "mix-0", "linear-2", "lora" })
            Assert.Throws<ArgumentException>(() => DecodeConfiguration.Parse(bad), bad);
    }
}
