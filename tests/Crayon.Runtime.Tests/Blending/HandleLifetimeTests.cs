using Crayon.Blending;
using Crayon.Interop.Blend;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>SafeHandle ownership: disposal in any order is safe, and disposed objects refuse work clearly.</summary>
public class HandleLifetimeTests
{
    [Test]
    public unsafe void PoolKeepsItsEngineAliveWhenTheEngineHandleGoesFirst([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        if (backend == BlendBackend.Vulkan) Backends.RequireVulkan();
        var options = new NativeEngineOptions { StructSize = (uint)sizeof(NativeEngineOptions), Backend = (uint)backend, DeviceIndex = -1 };
        BlendErrors.Check(BlendNative.crayon_engine_create(in options, out var engine), "create");
        var tensor = new NativeTensorDesc { Rows = 3, Cols = 5 };
        var desc = new NativePoolDesc { StructSize = (uint)sizeof(NativePoolDesc), AdapterCount = 1, TensorCount = 1, Tensors = &tensor };
        BlendErrors.Check(BlendNative.crayon_pool_create(engine, in desc, out var poolHandle), "create pool");
        using var pool = new NativePool(poolHandle, 1, 1);
        pool.Upload(0, [Enumerable.Range(0, 15).Select(i => (float)i).ToArray()]);

        engine.Dispose();
        Assert.That(engine.IsClosed);
        var output = new float[15];
        pool.Blend(0, [2f], [], [output]);

        Assert.That(output, Is.EqualTo(Enumerable.Range(0, 15).Select(i => 2f * i).ToArray()));
        pool.Dispose();
        Assert.That(poolHandle.IsClosed);
    }

    [Test]
    public void DisposedBlenderAndPoolsRefuseWork()
    {
        var pool = new RandomAdapters().Pool(2, rank: 2, RandomAdapters.OddTargets);
        var blender = Blender.Create(new BlenderOptions { Backend = BlendBackend.Cpu, CpuThreads = 2 });
        var resident = blender.Upload(pool, PoolStorage.Float32);
        var other = blender.Upload(pool, PoolStorage.Float16);
        other.Dispose();
        Assert.Throws<ObjectDisposedException>(() => other.Blend([1f, 1f], BlendMode.Linear));

        blender.Dispose();
        blender.Dispose();
        Assert.Throws<ObjectDisposedException>(() => blender.Upload(pool));
        Assert.Throws<ObjectDisposedException>(() => resident.Blend([1f, 1f], BlendMode.Linear));
        Assert.DoesNotThrow(resident.Dispose);
    }
}
