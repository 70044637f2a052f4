using System.Text;
using Crayon.Interop.Blend;

namespace Crayon.Blending;

/// <summary>A device that can run blends: a Vulkan device, or the CPU path.</summary>
/// <param name="Index">Vulkan physical-device index (0 for the CPU path).</param>
/// <param name="Features">What the device offers that the blend can use: fp16-storage, int8-storage, shader-fp16,
/// buffer-device-address, timestamps, subgroup-size-control; avx2 / avx512 for the CPU path.</param>
/// <param name="Usable">False when the device lacks what the blend needs (Vulkan 1.2, buffer device address).</param>
/// <param name="SubgroupSize">Vulkan subgroup size; SIMD width in floats for the CPU path.</param>
public sealed record BlendDevice(
    BlendBackend Backend,
    int Index,
    string Name,
    BlendDeviceType Type,
    string Driver,
    string ApiVersion,
    long MemoryBytes,
    long MaxAllocationBytes,
    int SubgroupSize,
    int Threads,
    double TimestampPeriodNanoseconds,
    IReadOnlyList<string> Features,
    bool Usable)
{
    public override string ToString() => $"{Name} ({Type}, {Backend})";

    internal static unsafe BlendDevice From(in NativeDeviceInfo info)
    {
        string name, driver;
        fixed (byte* n = info.Name) name = Text(n, 256);
        fixed (byte* d = info.Driver) driver = Text(d, 256);
        var backend = info.Backend == 2 ? BlendBackend.Cpu : BlendBackend.Vulkan;
        var api = backend == BlendBackend.Cpu ? "" : $"{(info.ApiVersion >> 22) & 0x7F}.{(info.ApiVersion >> 12) & 0x3FF}.{info.ApiVersion & 0xFFF}";
        return new BlendDevice(backend, (int)info.Index, name, (BlendDeviceType)info.DeviceType, driver, api, (long)info.MemoryBytes,
                               (long)info.MaxAllocationBytes, (int)info.SubgroupSize, (int)info.Threads, info.TimestampPeriodNs,
                               FeatureNames(info.Features), (info.Features & 1) != 0);
    }

    private static readonly (uint Bit, string Name)[] FeatureBits =
    [
        (1u << 1, "fp16-storage"), (1u << 2, "int8-storage"), (1u << 3, "shader-fp16"), (1u << 4, "buffer-device-address"),
        (1u << 5, "timestamps"), (1u << 6, "subgroup-size-control"), (1u << 16, "avx2"), (1u << 17, "avx512"),
    ];

    private static string[] FeatureNames(uint features) =>
        FeatureBits.Where(f => (features & f.Bit) != 0).Select(f => f.Name).ToArray();

    private static unsafe string Text(byte* bytes, int capacity)
    {
        var length = 0;
        while (length < capacity && bytes[length] != 0) length++;
        return Encoding.UTF8.GetString(bytes, length);
    }
}
