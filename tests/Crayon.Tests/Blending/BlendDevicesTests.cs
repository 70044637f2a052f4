using Crayon.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

public class BlendDevicesTests
{
    [Test]
    public void LavapipeIsListedAndChosenAutomatically()
    {
        Backends.RequireVulkan();
        var devices = BlendDevices.List();
        var usable = devices.Where(d => d.Usable).ToArray();
        Assert.That(usable, Is.Not.Empty);
        Assert.That(usable.All(d => d.Backend == BlendBackend.Vulkan && d.Name.Length > 0 && d.MemoryBytes > 0 && d.SubgroupSize > 0));
        Assert.That(usable.All(d => d.Features.Contains("buffer-device-address")));

        var (backend, index) = BlendDevices.Choose();
        Assert.That(backend, Is.EqualTo(BlendBackend.Vulkan));
        var best = usable.OrderBy(d => d.Type switch
        {
            BlendDeviceType.DiscreteGpu => 0, BlendDeviceType.IntegratedGpu => 1, BlendDeviceType.VirtualGpu => 2, BlendDeviceType.Cpu => 3, _ => 4,
        }).ThenBy(d => d.Index).First();
        Assert.That(index, Is.EqualTo(best.Index));
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
