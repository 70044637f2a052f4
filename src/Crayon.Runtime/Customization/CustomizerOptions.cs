using Crayon.Blending;
using Crayon.Llama;

namespace Crayon.Customization;

/// <summary>How a <see cref="Customizer"/> turns examples into an adapter. Defaults: measured, see benchmarks/results/customize.md.</summary>
public sealed record CustomizerOptions
{
    /// <summary>tau and top-k of alpha = softmax(similarity / tau).</summary>
    public AlphaOptions Alpha { get; init; } = AlphaOptions.Default;

    public CustomizationMode Mode { get; init; } = CustomizationMode.Concat;

    /// <summary>
    /// How the examples' embeddings become alpha. Mean alpha, not the paper's mean embedding: on validation items it
    /// beat base and uniform on more tasks at a lower NLL (benchmarks/results/customize.md).
    /// </summary>
    public ExampleAggregation Aggregation { get; init; } = ExampleAggregation.MeanAlpha;

    /// <summary>The signal the caller expects the pool to use; null accepts the pool's. A different one is refused.</summary>
    public EmbeddingSignal? Signal { get; init; }

    /// <summary>Where blends run; null: automatic (a Vulkan device if there is one, else the CPU kernels).</summary>
    public BlenderOptions? Blender { get; init; }

    /// <summary>How the pool is stored on the blend device.</summary>
    public PoolStorage Storage { get; init; } = PoolStorage.Float32;

    /// <summary>In-place swaps read the blend back and upload it in chunks of at most this many bytes (0: 1 MiB).</summary>
    public long SwapChunkBytes { get; init; }

    /// <summary>Threads that embed the examples; 1 keeps embeddings bit-identical across machines.</summary>
    public int EmbeddingThreads { get; init; } = 1;

    /// <summary>
    /// The guard that judges each customization from examples on a held-out share of them and keeps the best of no adapter
    /// and the blend at reduced or full scale. On by default: see benchmarks/results/customize.md for what it changed.
    /// </summary>
    public GuardOptions Guard { get; init; } = new();

    /// <summary>The measured defaults.</summary>
    public static CustomizerOptions Default { get; } = new();
}
