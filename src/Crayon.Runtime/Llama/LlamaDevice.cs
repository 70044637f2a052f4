namespace Crayon.Llama;

/// <summary>A ggml backend device (e.g. "Vulkan0" on backend "Vulkan", or "CPU").</summary>
public sealed record LlamaDevice(string Name, string Description, string Backend, LlamaDeviceKind Kind)
{
    internal IntPtr Handle { get; init; }

    public bool IsGpu => Kind is LlamaDeviceKind.Gpu or LlamaDeviceKind.IntegratedGpu;

    public override string ToString() => $"{Name} ({Backend}: {Description})";
}

public enum LlamaDeviceKind { Cpu, Gpu, IntegratedGpu, Accelerator, Other }
