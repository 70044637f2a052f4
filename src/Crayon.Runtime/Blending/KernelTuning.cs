namespace Crayon.Blending;

/// <summary>
/// Knobs of the Vulkan blend kernels (0 = the engine's default). They become specialization
/// constants of the compute pipelines, so a tuning run can sweep them without rebuilding.
/// </summary>
public sealed record KernelTuning
{
    public static KernelTuning Default { get; } = new();

    /// <summary>Invocations per workgroup (default 256).</summary>
    public int WorkgroupSize { get; init; }

    /// <summary>16-byte loads each invocation issues per adapter per tile (default 1).</summary>
    public int LoadsPerThread { get; init; }

    /// <summary>Adapters folded per loop iteration in the linear kernel (default 4).</summary>
    public int AdapterUnroll { get; init; }

    /// <summary>Cap on dispatched workgroups; kernels loop over the remaining tiles (default 65535).</summary>
    public int MaxWorkgroups { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(WorkgroupSize, nameof(WorkgroupSize));
        ArgumentOutOfRangeException.ThrowIfNegative(LoadsPerThread, nameof(LoadsPerThread));
        ArgumentOutOfRangeException.ThrowIfNegative(AdapterUnroll, nameof(AdapterUnroll));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxWorkgroups, nameof(MaxWorkgroups));
    }
}
