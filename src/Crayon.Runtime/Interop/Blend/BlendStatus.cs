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

    /// <summary>A landed callback asked to stop the blend (ABI 3); the engine stays usable.</summary>
    Stopped = 7,
}
