using Crayon.Blending;
using Crayon.Llama;

namespace Crayon.Customization;

/// <summary>Where one customization's time went: examples in to adapter live in llama.cpp.</summary>
/// <param name="Embed">Embedding the examples and averaging them into q_c (zero when embeddings or alpha were given).</param>
/// <param name="Alpha">Similarity to every centroid and the softmax.</param>
/// <param name="Blend">The blend kernel (in place it overlaps the swap; a first load's blend includes its read-back); zero for runtime mix.</param>
/// <param name="Swap">The rest of making the adapter live: in place, the pipelined read-back and upload into llama.cpp's tensors; on a
/// first load, llama.cpp loading the adapter; for runtime mix, setting the adapters.</param>
/// <param name="Guard">The guard judging the blend before it went live: alpha of the fit examples, its blend (a first load of the
/// slot's shape lands here then), the held-out forward passes at every scale. Zero when it was off or skipped.</param>
public sealed record CustomizationTimings(TimeSpan Embed, TimeSpan Alpha, TimeSpan Blend, TimeSpan Swap, TimeSpan Guard = default)
{
    public TimeSpan Total => Embed + Alpha + Guard + Blend + Swap;

    /// <summary>Alpha in to adapter live: the blend and the swap.</summary>
    public TimeSpan AlphaToLive => Blend + Swap;
}

/// <summary>
/// A customization now live in a context: q_c, the similarities and alpha, the adapters blended, how the blend reached
/// llama.cpp (<see cref="Swap"/>) and the time each step took. The adapter itself is the customizer's live slot for
/// that context; this result owns nothing.
/// </summary>
public sealed class CustomizationResult
{
    internal CustomizationResult(CustomizationAlpha alpha, IReadOnlyList<int> blended, SwapKind swap, CustomizationTimings timings,
        InPlaceSwapTimings? inPlace, BlendTimings? blendTimings, GuardVerdict? guard = null)
    {
        Guard = guard;
        Customization = alpha;
        Blended = blended;
        Swap = swap;
        Timings = timings;
        InPlace = inPlace;
        BlendTimings = blendTimings;
    }

    /// <summary>This result as the whole customization reports it when an earlier step of it (the guard's fit) loaded the slot.</summary>
    internal CustomizationResult LoadedEarlier() =>
        Swap == SwapKind.InPlace ? new CustomizationResult(Customization, Blended, SwapKind.Loaded, Timings, InPlace, BlendTimings, Guard) : this;

    /// <summary>q_c, similarities and alpha.</summary>
    public CustomizationAlpha Customization { get; }

    /// <summary>q_c: the mean of the examples' raw embeddings (empty when alpha was given directly).</summary>
    public float[] TaskEmbedding => Customization.TaskEmbedding;

    /// <summary>Cosine similarity of q_c to each centroid (empty when alpha was given directly).</summary>
    public double[] Similarities => Customization.Similarities;

    /// <summary>One weight per base adapter; zero outside the top k.</summary>
    public double[] Alpha => Customization.Alpha;

    /// <summary>The base adapters that contribute (non-zero alpha), in stacking order for concat.</summary>
    public IReadOnlyList<int> Blended { get; }

    /// <summary>In place, loaded (the first blend of its shape on the context), or runtime mix.</summary>
    public SwapKind Swap { get; }

    public CustomizationTimings Timings { get; }

    /// <summary>What the guard kept (the blend's live scale, 0: the base model) and why; null when alpha was given directly (<see cref="Customizer.Apply(double[], LlamaContext)"/>).</summary>
    public GuardVerdict? Guard { get; }

    /// <summary>The scale the blend is live at: the guard's choice, else 1.</summary>
    public double Scale => Guard?.KeptScale ?? 1;

    /// <summary>The pipelined in-place swap's milestones; null unless <see cref="Swap"/> is <see cref="SwapKind.InPlace"/>.</summary>
    public InPlaceSwapTimings? InPlace { get; }

    /// <summary>The blend device's own split of a first load's blend (kernel, read-back); null otherwise.</summary>
    public BlendTimings? BlendTimings { get; }
}
