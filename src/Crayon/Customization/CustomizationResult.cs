using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Llama;

namespace Crayon.Customization;

/// <summary>Where one customization's time went: examples in to adapter live in llama.cpp.</summary>
/// <param name="Embed">Embedding the examples and averaging them into q_c (zero when embeddings were given).</param>
/// <param name="Alpha">Similarity to every centroid and the softmax.</param>
/// <param name="Blend">The blend on the blend device, read back into memory (zero for runtime mix).</param>
/// <param name="Swap">The adapter as a GGUF image, loaded into llama.cpp from memory, and set on the context or engine.</param>
public sealed record CustomizationTimings(TimeSpan Embed, TimeSpan Alpha, TimeSpan Blend, TimeSpan Swap)
{
    public TimeSpan Total => Embed + Alpha + Blend + Swap;
}

/// <summary>
/// A customization: q_c, the similarities and alpha, the blended adapter (for linear and concat), and the adapter
/// set now live in llama.cpp. Disposing gives up this result's own reference on the loaded adapter; the context or
/// engine it was set on keeps it alive for as long as it uses it.
/// </summary>
public sealed class CustomizationResult : IDisposable
{
    internal CustomizationResult(float[] taskEmbedding, double[] similarities, double[] alpha, IReadOnlyList<int> blended, LoraAdapter? adapter,
        LlamaAdapter? live, AdapterSet adapters, CustomizationTimings timings, BlendTimings? blendTimings)
    {
        TaskEmbedding = taskEmbedding;
        Similarities = similarities;
        Alpha = alpha;
        Blended = blended;
        Adapter = adapter;
        Live = live;
        Adapters = adapters;
        Timings = timings;
        BlendTimings = blendTimings;
    }

    /// <summary>q_c: the mean embedding of the examples (empty when alpha was given directly).</summary>
    public float[] TaskEmbedding { get; }

    /// <summary>Cosine similarity of q_c to each centroid (empty when alpha was given directly).</summary>
    public double[] Similarities { get; }

    /// <summary>One weight per base adapter, summing to 1; zero outside the top k.</summary>
    public double[] Alpha { get; }

    /// <summary>The base adapters that contribute (non-zero alpha), in stacking order for concat.</summary>
    public IReadOnlyList<int> Blended { get; }

    /// <summary>The blended adapter (linear, concat); null for runtime mix, which blends nothing.</summary>
    public LoraAdapter? Adapter { get; }

    /// <summary>The blended adapter as loaded into llama.cpp; null for runtime mix.</summary>
    public LlamaAdapter? Live { get; }

    /// <summary>What was set on the context or engine.</summary>
    public AdapterSet Adapters { get; }

    public CustomizationTimings Timings { get; }

    /// <summary>The blend device's own split (kernel, read-back); null for runtime mix.</summary>
    public BlendTimings? BlendTimings { get; }

    public void Dispose() => Live?.Dispose();
}
