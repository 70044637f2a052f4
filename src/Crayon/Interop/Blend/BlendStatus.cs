namespace Crayon.Interop.Blend;

/// <summary>crayon_status: how a native blend call failed.</summary>
public enum BlendStatus
{
    Ok = 0,
    InvalidArgument = 1,
    NoDevice = 2,
    Unsupported = 3,
    OutOfMemory = 4,
    Vulkan = 5,
    DeviceLost = 6,
}
