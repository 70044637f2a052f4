namespace Crayon.Customization;

/// <summary>How the alpha-weighted pool becomes what llama.cpp computes with (docs/ARCHITECTURE.md, "Blend semantics").</summary>
public enum CustomizationMode
{
    /// <summary>One rank-r adapter: A' = Σ α_i A_i, B' = Σ α_i B_i (cross terms B_i A_j).</summary>
    Linear,

    /// <summary>One adapter stacking the adapters with non-zero α along the rank: exactly Σ α_i B_i A_i.</summary>
    Concat,

    /// <summary>No blend: llama.cpp applies the adapters with non-zero α at every token, with scales α_i (exact, k LoRA matmuls per layer).</summary>
    RuntimeMix,
}
