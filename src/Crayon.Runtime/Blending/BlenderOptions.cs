namespace Crayon.Blending;

/// <summary>Which engine a <see cref="Blender"/> gets.</summary>
public sealed record BlenderOptions
{
    public BlendBackend Backend { get; init; } = BlendBackend.Auto;

    /// <summary>A Vulkan device index (as listed by <see cref="BlendDevices.List"/>), or null to choose automatically.</summary>
    public int? DeviceIndex { get; init; }

    /// <summary>Case-insensitive part of the Vulkan device name to choose, or null.</summary>
    public string? DeviceName { get; init; }

    /// <summary>Worker threads of the CPU path; 0 = one per available core.</summary>
    public int CpuThreads { get; init; }

    public KernelTuning Tuning { get; init; } = KernelTuning.Default;

    internal void Validate()
    {
        if (!Enum.IsDefined(Backend)) throw new ArgumentException($"backend {(int)Backend} is not auto, vulkan or cpu", nameof(Backend));
        if (DeviceIndex is < 0) throw new ArgumentOutOfRangeException(nameof(DeviceIndex), DeviceIndex, "device index must be 0 or more");
        if (Backend == BlendBackend.Cpu && (DeviceIndex is not null || DeviceName is not null))
            throw new ArgumentException("a device index or name selects a Vulkan device; the CPU backend has none", nameof(Backend));
        ArgumentOutOfRangeException.ThrowIfNegative(CpuThreads, nameof(CpuThreads));
        ArgumentNullException.ThrowIfNull(Tuning, nameof(Tuning));
        Tuning.Validate();
    }
}
