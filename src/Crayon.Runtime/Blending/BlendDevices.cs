using Crayon.Interop.Blend;

namespace Crayon.Blending;

/// <summary>The Vulkan devices on this machine, and which one a blender would choose.</summary>
public static class BlendDevices
{
    /// <summary>All Vulkan devices (an empty list when there is no Vulkan loader or driver).</summary>
    public static IReadOnlyList<BlendDevice> List() =>
        NativeEngine.ListDevices().Select(info => BlendDevice.From(info)).ToArray();

    /// <summary>The backend and Vulkan device index a <see cref="Blender"/> with these options gets.</summary>
    public static (BlendBackend Backend, int DeviceIndex) Choose(BlenderOptions? options = null)
    {
        options ??= new BlenderOptions();
        options.Validate();
        var (backend, index) = NativeEngine.Select(options);
        return (backend == 2 ? BlendBackend.Cpu : BlendBackend.Vulkan, (int)index);
    }
}
