using Crayon.Adapters;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>Fresh random adapter pools of odd shapes; the seed is printed so a failure can be replayed.</summary>
internal sealed class RandomAdapters
{
    private readonly Random random;

    public RandomAdapters(int? seed = null)
    {
        Seed = seed ?? Random.Shared.Next();
        random = new Random(Seed);
        TestContext.Out.WriteLine($"random seed {Seed}");
    }

    public int Seed { get; }

    /// <summary>Target shapes (name, in, out): odd sizes, one target larger than a kernel tile.</summary>
    public static readonly (string Name, int In, int Out)[] OddTargets =
    [
        ("blk.0.attn_q", 37, 53),
        ("blk.0.ffn_down", 1031, 19),
        ("blk.1.attn_v", 9, 301),
    ];

    /// <summary>Shapes whose rows are whole vec4s, to exercise the vectorized concat path too.</summary>
    public static readonly (string Name, int In, int Out)[] AlignedTargets =
    [
        ("blk.0.attn_q", 64, 48),
        ("blk.0.ffn_up", 256, 1024),
    ];

    public AdapterPool Pool(int count, int rank, (string Name, int In, int Out)[] targets, bool mixedAlphas = false)
    {
        var adapters = new LoraAdapter[count];
        for (var i = 0; i < count; i++)
        {
            var pairs = targets.Select(t => new LoraPair(t.Name, Matrix(rank, t.In), Matrix(t.Out, rank))).ToArray();
            float alpha = mixedAlphas ? new[] { 0f, 4f, 8f, 16f, 32f }[random.Next(5)] : 16f;
            adapters[i] = new LoraAdapter("llama", alpha, pairs, new Dictionary<string, string> { ["general.name"] = $"random-{i}" });
        }
        return new AdapterPool(adapters);
    }

    /// <summary>Weights in [-1, 1] with some exact zeros and at least one negative.</summary>
    public float[] Weights(int count)
    {
        var weights = new float[count];
        for (var i = 0; i < count; i++) weights[i] = (float)(random.NextDouble() * 2 - 1);
        if (count >= 3) weights[random.Next(count)] = 0f;
        if (count >= 2 && weights.All(w => w >= 0)) weights[0] = -weights[0] - 0.25f;
        return weights;
    }

    private LoraMatrix Matrix(int rows, int cols)
    {
        var data = new float[rows * cols];
        for (var i = 0; i < data.Length; i++) data[i] = (float)(random.NextDouble() * 2 - 1);
        return new LoraMatrix(rows, cols, data);
    }
}
