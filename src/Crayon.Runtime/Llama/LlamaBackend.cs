namespace Crayon.Llama;

/// <summary>Where a model's layers run.</summary>
public enum LlamaBackend
{
    /// <summary>The first Vulkan device, else any other GPU, else the CPU.</summary>
    Auto,
    /// <summary>The CPU only (no device offload at all).</summary>
    Cpu,
    /// <summary>The first Vulkan device; an error when there is none.</summary>
    Vulkan,
}
