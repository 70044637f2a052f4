namespace Crayon.Llama;

/// <summary>How a model is loaded.</summary>
public sealed record LlamaModelOptions
{
    public LlamaBackend Backend { get; init; } = LlamaBackend.Auto;

    /// <summary>Layers offloaded to the device; negative: all of them. Ignored on the CPU backend.</summary>
    public int GpuLayers { get; init; } = -1;

    /// <summary>Memory-map model files (never used for models loaded from memory).</summary>
    public bool UseMmap { get; init; } = true;
}
