using Crayon.Interop.Blend;

namespace Crayon.Blending;

/// <summary>The Vulkan devices on this machine, and which one a blender would choose.</summary>
public static class BlendDevices
{
    /// <summary>All Vulkan devices (an empty list when there is no Vulkan loader or driver).</summary>
    public static IReadOnlyList<BlendDevice> List() =>
        NativeEngine.ListDevices().Select(info => BlendDevice.From(info)).ToArray();

    /// <summary>Why automatic selection lands where <see cref="Choose"/> says, in one sentence.</summary>
    public static string WhyChosen(BlendBackend backend, int index, IReadOnlyList<BlendDevice> devices)
    {
        ArgumentNullException.ThrowIfNull(devices);
        if (backend == BlendBackend.Vulkan)
        {
            var device = devices.FirstOrDefault(d => d.Index == index);
            return device is null ? $"Vulkan device {index}" : $"{device.Name}: the best usable GPU ({device.Type})";
        }
        if (devices.Any(d => d.Usable && d.Type == BlendDeviceType.Cpu))
            return "the only usable Vulkan devices run on the CPU (e.g. lavapipe), where Crayon's own CPU kernels blend about 25x faster; " +
                   "name one with --device to use it anyway";
        return devices.Count == 0 ? "no Vulkan device on this machine" : "no Vulkan device here is usable for blending";
    }

    /// <summary>The backend and Vulkan device index a <see cref="Blender"/> with these options gets: a GPU, else the CPU kernels.</summary>
    public static (BlendBackend Backend, int DeviceIndex) Choose(BlenderOptions? options = null)
    {
        options ??= new BlenderOptions();
        options.Validate();
        var (backend, index) = NativeEngine.Select(options);
        return (backend == 2 ? BlendBackend.Cpu : BlendBackend.Vulkan, (int)index);
    }
}
