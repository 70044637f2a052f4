using Crayon.Adapters;
using Crayon.Llama;
using Crayon.Models;
using Crayon.Pool;
using Crayon.Tests.Blending;

namespace Crayon.Tests.Server;

/// <summary>
/// A small pool for stories260K built from random adapters of the model's real shapes (attn_q 64→64 and
/// ffn_down 172→64 in every block), with random centroids in its query space, written as a real pool file.
/// </summary>
internal static class StoriesPool
{
    public static (string Name, int In, int Out)[] Targets { get; } = Enumerable.Range(0, 5)
        .SelectMany(b => new[] { ($"blk.{b}.attn_q", 64, 64), ($"blk.{b}.ffn_down", 172, 64) }).ToArray();

    /// <summary>Writes the model to <paramref name="modelPath"/> and a pool for it to <paramref name="poolPath"/>.</summary>
    public static AdapterPoolArtifact Write(string modelPath, string poolPath, int count = 4, int rank = 4, int seed = 5)
    {
        File.WriteAllBytes(modelPath, ServedStories.Image);
        var adapters = new RandomAdapters(seed).Pool(count, rank, Targets);
        // Small factors keep the blended model's text sensible; random ones of magnitude 1 would swamp it.
        var scaled = new AdapterPool(adapters.Adapters.Select(a => new LoraAdapter(a.Architecture, a.Alpha,
            a.Pairs.Select(p => new LoraPair(p.Target, Scale(p.A, 0.3f), Scale(p.B, 0.3f))).ToArray(), a.Metadata)).ToArray());
        var random = new Random(seed);
        var centroids = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 64).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        var pool = new AdapterPoolArtifact(scaled, centroids, EmbeddingSignal.Query, Model(modelPath));
        AdapterPoolFile.Write(pool, poolPath);
        return pool;
    }

    public static PoolModel Model(string modelPath) => new(ServedStories.Id, "llama", ModelFingerprint.Of(modelPath));

    private static LoraMatrix Scale(LoraMatrix m, float factor) => new(m.Rows, m.Cols, m.Data.Select(v => v * factor).ToArray());
}
