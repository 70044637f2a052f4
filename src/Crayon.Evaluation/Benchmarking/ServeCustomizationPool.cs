using Crayon.Llama;
using Crayon.Formats.Gguf;
using Crayon.Models;
using Crayon.Pool;

namespace Crayon.Benchmarking;

/// <summary>
/// A pool file for `crayon bench serve`'s per-request customization: random adapters of the served model's own shapes
/// (attn_q and ffn_down in every block) and rank, recorded as built for that model file so the server customizes with it.
/// Timing only: the weights are random and the centroids are never read (requests send alpha).
/// </summary>
public static class ServeCustomizationPool
{
    public static readonly IReadOnlyList<string> Modules = ["attn_q", "ffn_down"];

    public static AdapterPoolArtifact Write(string modelPath, string poolPath, int adapters, int rank)
    {
        var hyperparameters = LlamaHyperparameters.ReadFrom(GgufReader.ReadLayout(modelPath).Metadata);
        var pool = SyntheticPools.ForShape(new LoraShape("served", hyperparameters, Modules, rank), adapters);
        var centroids = Enumerable.Range(0, adapters).Select(i => Enumerable.Range(0, 4).Select(j => i % 4 == j ? 1f : 0f).ToArray()).ToArray();
        var artifact = new AdapterPoolArtifact(pool, centroids, EmbeddingSignal.Hidden, PoolModelIdentity.Of(modelPath));
        AdapterPoolFile.Write(artifact, poolPath);
        return artifact;
    }

    /// <summary>Alpha number <paramref name="i"/>: distinct per i, small (|w| ≤ 1/N) and never all zero.</summary>
    public static float[] Alpha(int i, int adapters) =>
        Enumerable.Range(0, adapters).Select(j => (float)((1 + (i * 31 + j * 17) % 97) / (97.0 * adapters))).ToArray();
}
