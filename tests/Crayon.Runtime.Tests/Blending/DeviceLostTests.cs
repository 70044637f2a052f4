using Crayon.Blending;
using Crayon.Interop.Blend;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>
/// A device that disappears: after VK_ERROR_DEVICE_LOST every call on the engine fails with a
/// clear error carrying the Vulkan code, and disposal still works. No driver can be made to lose
/// a device on demand, so the native testing hook marks it lost exactly as a real loss does.
/// </summary>
public class DeviceLostTests
{
    [Test]
    public void EveryCallAfterTheLossFailsWithDeviceLost()
    {
        Backends.RequireVulkan();
        var random = new RandomAdapters();
        var pool = random.Pool(3, rank: 2, RandomAdapters.OddTargets);
        var blender = Blender.Create(new BlenderOptions { Backend = BlendBackend.Vulkan });
        var resident = blender.Upload(pool, PoolStorage.Float16);
        resident.Blend([1f, 0.5f, -1f], BlendMode.Linear);

        blender.SimulateDeviceLostForTesting();

        var blend = Assert.Throws<BlendEngineException>(() => resident.Blend([1f, 0.5f, -1f], BlendMode.Linear))!;
        Assert.That(blend.VulkanResult, Is.EqualTo(BlendEngineException.VulkanDeviceLost));
        Assert.That(blend.Status, Is.EqualTo(BlendStatus.DeviceLost));
        Assert.That(blend.IsDeviceLost);
        Assert.That(blend.Message, Does.Contain("VK_ERROR_DEVICE_LOST").And.Contain(blender.Device.Name).And.Contain("create a new engine"));

        Assert.That(() => blender.Upload(pool, PoolStorage.Float32),
                    Throws.TypeOf<BlendEngineException>().With.Property(nameof(BlendEngineException.VulkanResult)).EqualTo(-4));
        Assert.That(() => resident.ReadStoredTensor(0, 0), Throws.TypeOf<BlendEngineException>().With.Property(nameof(BlendEngineException.IsDeviceLost)).True);
        Assert.That(() => blender.MeasureCopyBandwidth(1 << 20, 1), Throws.TypeOf<BlendEngineException>().With.Property(nameof(BlendEngineException.IsDeviceLost)).True);
        Assert.That(() => resident.BlendOnDevice([1f, 0.5f, -1f], BlendMode.Concat, 2), Throws.TypeOf<BlendEngineException>());

        Assert.DoesNotThrow(resident.Dispose);
        Assert.DoesNotThrow(blender.Dispose);
    }

    [Test]
    public void CpuPathHasNoDeviceToLose()
    {
        var error = Assert.Throws<BlendEngineException>(Backends.Get(BlendBackend.Cpu).SimulateDeviceLostForTesting)!;
        Assert.That(error.Status, Is.EqualTo(BlendStatus.InvalidArgument));
    }
}
