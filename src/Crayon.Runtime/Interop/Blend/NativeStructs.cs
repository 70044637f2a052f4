using System.Runtime.InteropServices;

namespace Crayon.Interop.Blend;

// Mirrors of the structs in native/include/crayon_blend.h (ABI version 4). Field order and
// types must match it exactly; tests compare every size with crayon_abi_struct_size.

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeDeviceInfo
{
    public uint StructSize;
    public uint Backend;
    public uint Index;
    public uint DeviceType;
    public fixed byte Name[256];
    public fixed byte Driver[256];
    public uint VendorId;
    public uint DeviceId;
    public uint ApiVersion;
    public uint Features;
    public ulong MemoryBytes;
    public ulong MaxAllocationBytes;
    public uint SubgroupSize;
    public uint Threads;
    public float TimestampPeriodNs;
    public uint Reserved;

    public static NativeDeviceInfo Empty() => new() { StructSize = (uint)sizeof(NativeDeviceInfo) };
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeEngineOptions
{
    public uint StructSize;
    public uint Backend;
    public int DeviceIndex;
    public uint CpuThreads;
    public byte* DeviceName;
    public uint WorkgroupSize;
    public uint LoadsPerThread;
    public uint AdapterUnroll;
    public uint MaxWorkgroups;
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeTensorDesc
{
    public uint Rows;
    public uint Cols;
    public uint Role;
    public uint Reserved;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativePoolDesc
{
    public uint StructSize;
    public uint AdapterCount;
    public uint TensorCount;
    public uint Storage;
    public NativeTensorDesc* Tensors;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeBlendRequest
{
    public uint StructSize;
    public uint Mode;
    public float* Weights;
    public uint WeightCount;
    public uint SelectionCount;
    public uint* Selection;
    // ABI 4: the merge recipes' parameters.
    public float Density;
    public uint MajoritySign;
    public ulong Seed;
}

/// <summary>The merge recipes' fields of crayon_blend_request (ignored by linear and concat).</summary>
internal readonly record struct NativeMergeParameters(float Density, uint MajoritySign, ulong Seed);

[StructLayout(LayoutKind.Sequential)]
internal struct NativeBlendTimings
{
    public const uint DeviceTimestamps = 1;
    public uint StructSize;
    public uint Flags;
    public ulong BlendDeviceNs;
    public ulong ReadbackDeviceNs;
    public ulong ReadbackHostNs;
    public ulong TotalHostNs;
    public ulong FirstLandedNs;
    public ulong LandedNs;
    public ulong CallbacksNs;
    public uint ChunkCount;
    public uint CallbackCount;

    /// <summary>What an ABI 2 caller passes as struct_size: the struct up to <see cref="FirstLandedNs"/>.</summary>
    public static uint Version2Size => (uint)Marshal.OffsetOf<NativeBlendTimings>(nameof(FirstLandedNs));
}

[StructLayout(LayoutKind.Sequential)]
internal struct NativeCopyMeasurement
{
    public uint StructSize;
    public uint Flags;
    public ulong Bytes;
    public ulong BestNs;
    public ulong MedianNs;
    public ulong TransferBestNs;
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeHostImage
{
    public uint StructSize;
    public uint Storage;
    public void* Base;
    public ulong Bytes;
    public ulong* TensorOffsets;
    public delegate* unmanaged<void*, NativeImageChunk*, int> Landed;
    public void* LandedUser;
    public ulong ChunkBytes;

    /// <summary>What an ABI 2 caller passes as struct_size: the struct up to <see cref="Landed"/>.</summary>
    public static uint Version2Size => (uint)Marshal.OffsetOf<NativeHostImage>(nameof(Landed));
}

[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeImageChunk
{
    public uint StructSize;
    public uint FirstChunk;
    public uint Chunks;
    public uint ChunkCount;
    public uint TensorCount;
    public uint Reserved;
    public uint* Tensors;
    public ulong Offset;
    public ulong Bytes;
}

/// <summary>crayon_tensor_role.</summary>
internal enum NativeTensorRole : uint
{
    LoraA = 0,
    LoraB = 1,
}
