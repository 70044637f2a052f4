using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

public class BlendDevicesTests
{
    [Test]
    public void LavapipeIsListedButTheCpuKernelsAreChosenAutomatically()
    {
        Backends.RequireVulkan();
        var devices = BlendDevices.List();
        var usable = devices.Where(d => d.Usable).ToArray();
        Assert.That(usable, Is.Not.Empty);
        Assert.That(usable.All(d => d.Backend == BlendBackend.Vulkan && d.Name.Length > 0 && d.MemoryBytes > 0 && d.SubgroupSize > 0));
        Assert.That(usable.All(d => d.Features.Contains("buffer-device-address")));
        Assert.That(usable.All(d => d.Type == BlendDeviceType.Cpu), "this machine (and CI) has no GPU: every Vulkan device is lavapipe");

        var (backend, _) = BlendDevices.Choose();
        Assert.Multiple(() =>
        {
            Assert.That(backend, Is.EqualTo(BlendBackend.Cpu), "automatic choice: a GPU, else Crayon's CPU kernels, never lavapipe");
            Assert.That(BlendDevices.WhyChosen(backend, 0, devices), Does.Contain("run on the CPU").And.Contain("--device"));
            var asked = BlendDevices.Choose(new BlenderOptions { Backend = BlendBackend.Vulkan });
            Assert.That(asked.Backend, Is.EqualTo(BlendBackend.Vulkan), "lavapipe when the vulkan backend is asked for");
            Assert.That(asked.DeviceIndex, Is.EqualTo(usable[0].Index));
            Assert.That(BlendDevices.Choose(new BlenderOptions { DeviceIndex = usable[0].Index }).Backend, Is.EqualTo(BlendBackend.Vulkan), "or by index");
        });
    }

    [Test]
    public void CpuPathDescribesTheProcessor()
    {
        Assert.That(BlendDevices.Choose(new BlenderOptions { Backend = BlendBackend.Cpu }).Backend, Is.EqualTo(BlendBackend.Cpu));
        var device = Backends.Get(BlendBackend.Cpu).Device;
        Assert.That(device.Backend, Is.EqualTo(BlendBackend.Cpu));
        Assert.That(device.Threads, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(device.Name, Is.Not.Empty);
    }

    [Test]
    public void DeviceCanBeChosenByNamePart()
    {
        Backends.RequireVulkan();
        var device = BlendDevices.List().First(d => d.Usable);
        using var blender = Blender.Create(new BlenderOptions { DeviceName = device.Name[..4].ToUpperInvariant() });
        Assert.That(blender.Device.Name, Is.EqualTo(device.Name));
    }
}
