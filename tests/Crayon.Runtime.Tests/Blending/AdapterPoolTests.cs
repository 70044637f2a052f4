using Crayon.Adapters;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>A pool accepts only adapters that can be blended, and says which adapter and tensor differ.</summary>
public class AdapterPoolTests
{
    private static LoraAdapter Adapter(string name, int rank, (string Target, int In, int Out)[] targets, float alpha = 8f, string architecture = "llama") =>
        new(architecture, alpha,
            targets.Select(t => new LoraPair(t.Target, new LoraMatrix(rank, t.In), new LoraMatrix(t.Out, rank))).ToArray(),
            new Dictionary<string, string> { ["general.name"] = name });

    private static readonly (string, int, int)[] Shapes = [("blk.0.attn_q", 16, 24), ("blk.0.attn_v", 16, 8)];

    [Test]
    public void EmptyPoolIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new AdapterPool([]))!;
        Assert.That(error.Message, Does.Contain("N = 0"));
    }

    [Test]
    public void ShapeMismatchNamesAdapterAndTensor()
    {
        var other = Adapter("sql", 4, [("blk.0.attn_q", 16, 24), ("blk.0.attn_v", 16, 9)]);
        var error = Assert.Throws<ArgumentException>(() => _ = new AdapterPool([Adapter("base", 4, Shapes), Adapter("x", 4, Shapes), other]))!;
        Assert.That(error.Message, Does.Contain("adapter 2 ('sql')").And.Contain("blk.0.attn_v.weight.lora_b").And.Contain("9×4").And.Contain("8×4"));
    }

    [Test]
    public void RankMismatchNamesAdapterAndTarget()
    {
        var error = Assert.Throws<ArgumentException>(() => _ = new AdapterPool([Adapter("a", 4, Shapes), Adapter("b", 8, Shapes)]))!;
        Assert.That(error.Message, Does.Contain("adapter 1 ('b')").And.Contain("blk.0.attn_q").And.Contain("rank 8").And.Contain("rank 4"));
    }

    [Test]
    public void MissingTargetAndForeignArchitectureAreNamed()
    {
        var missing = Assert.Throws<ArgumentException>(() =>
            _ = new AdapterPool([Adapter("a", 4, Shapes), Adapter("b", 4, [("blk.0.attn_q", 16, 24), ("blk.0.attn_k", 16, 8)])]))!;
        Assert.That(missing.Message, Does.Contain("no target 'blk.0.attn_v'"));
        var foreign = Assert.Throws<ArgumentException>(() => _ = new AdapterPool([Adapter("a", 4, Shapes), Adapter("b", 4, Shapes, architecture: "qwen2")]))!;
        Assert.That(foreign.Message, Does.Contain("'qwen2'").And.Contain("'llama'"));
    }

    [Test]
    public void MixedRanksInsideTheFirstAdapterAreRejected()
    {
        var mixed = new LoraAdapter("llama", 8f, [
            new LoraPair("a", new LoraMatrix(4, 8), new LoraMatrix(8, 4)),
            new LoraPair("b", new LoraMatrix(2, 8), new LoraMatrix(8, 2)),
        ]);
        var error = Assert.Throws<ArgumentException>(() => _ = new AdapterPool([mixed]))!;
        Assert.That(error.Message, Does.Contain("adapter 0").And.Contain("mixes ranks"));
    }

    [Test]
    public void TargetsAreMatchedByNameNotPosition()
    {
        var reversed = Adapter("r", 4, [Shapes[1], Shapes[0]]);
        var pool = new AdapterPool([Adapter("a", 4, Shapes), reversed]);
        Assert.That(pool.TensorsOf(1)[0], Is.SameAs(reversed.Pairs[1].A.Data));
    }

    [Test]
    public void DifferentAlphasAreNormalisedIntoB()
    {
        var pool = new AdapterPool([Adapter("a", 4, Shapes, alpha: 8f), Adapter("b", 4, Shapes, alpha: 2f), Adapter("c", 4, Shapes, alpha: 0f)]);
        Assert.That(pool.NormalisationFactor(0), Is.EqualTo(1f));
        Assert.That(pool.NormalisationFactor(1), Is.EqualTo(0.25f));
        Assert.That(pool.NormalisationFactor(2), Is.EqualTo(0.5f), "alpha 0 means scale 1 in llama.cpp, i.e. (1) / (8/4)");
        pool.Adapters[1].Pairs[0].B.Data[3] = 2f;
        Assert.That(pool.TensorsOf(1)[1][3], Is.EqualTo(0.5f));
    }
}
