namespace Crayon.Blending;

/// <summary>The kind of device a blend runs on, in the order automatic selection prefers them.</summary>
public enum BlendDeviceType
{
    Other = 0,
    DiscreteGpu = 1,
    IntegratedGpu = 2,
    VirtualGpu = 3,

    /// <summary>A Vulkan device running on the CPU (lavapipe), or the native CPU path.</summary>
    Cpu = 4,
}
