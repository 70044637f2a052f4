namespace Crayon.Interop.Blend;

/// <summary>
/// A failure inside the native blend engine, with its status, the Vulkan result code behind it
/// (0 when Vulkan was not involved) and the engine's own explanation.
/// </summary>
public sealed class BlendEngineException : Exception
{
    /// <summary>VkResult VK_ERROR_DEVICE_LOST.</summary>
    public const int VulkanDeviceLost = -4;

    public BlendEngineException(BlendStatus status, int vulkanResult, string message) : base(message)
    {
        Status = status;
        VulkanResult = vulkanResult;
    }

    public BlendStatus Status { get; }

    /// <summary>The VkResult of the failing Vulkan call, e.g. -4 for VK_ERROR_DEVICE_LOST; 0 if none.</summary>
    public int VulkanResult { get; }

    public bool IsDeviceLost => Status == BlendStatus.DeviceLost;
}
