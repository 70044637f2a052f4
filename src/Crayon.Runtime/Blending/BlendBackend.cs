namespace Crayon.Blending;

/// <summary>Where blends run.</summary>
public enum BlendBackend
{
    /// <summary>The best Vulkan device (discrete, integrated, virtual, then CPU/lavapipe); the CPU path when there is none.</summary>
    Auto = 0,

    /// <summary>A Vulkan device; fails when there is none.</summary>
    Vulkan = 1,

    /// <summary>The native multithreaded CPU kernels, without Vulkan.</summary>
    Cpu = 2,
}
