using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Interop.Blend;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>Every bad blend input gets a clear error naming the field and the limit, on both backends.</summary>
public class BlendValidationTests
{
    private static ResidentPool Upload(BlendBackend backend, int n = 4) =>
        Backends.Get(backend).Upload(new RandomAdapters().Pool(n, rank: 3, RandomAdapters.OddTargets), PoolStorage.Float32);

    [Test]
    public void WeightListOfWrongLengthNamesBothCounts([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        using var resident = Upload(backend);
        var error = Assert.Throws<ArgumentException>(() => resident.Blend([0.5f, 0.5f, 0.5f], BlendMode.Linear))!;
        Assert.That(error.ParamName, Is.EqualTo("weights"));
        Assert.That(error.Message, Does.Contain("3 entries").And.Contain("4 adapters"));
    }

    [TestCase(float.NaN, "NaN")]
    [TestCase(float.PositiveInfinity, "Infinity")]
    [TestCase(float.NegativeInfinity, "-Infinity")]
    public void NonFiniteWeightIsRejectedByIndex(float bad, string shown)
    {
        using var resident = Upload(BlendBackend.Cpu);
        var error = Assert.Throws<ArgumentException>(() => resident.Blend([0.5f, 0.5f, bad, 0.5f], BlendMode.Concat, 2))!;
        Assert.That(error.Message, Does.Contain("weights[2]").And.Contain(shown).And.Contain("finite"));
    }

    [TestCase(0)]
    [TestCase(5)]
    [TestCase(-1)]
    public void TopKOutsideOneToNIsRejected(int k)
    {
        using var resident = Upload(BlendBackend.Vulkan);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => resident.Blend([1f, 2f, 3f, 4f], BlendMode.Concat, k))!;
        Assert.That(error.ParamName, Is.EqualTo("topK"));
        Assert.That(error.Message, Does.Contain("between 1 and 4"));
    }

    [Test]
    public void TopKWithLinearIsRejected()
    {
        using var resident = Upload(BlendBackend.Cpu);
        var error = Assert.Throws<ArgumentException>(() => resident.Blend([1f, 2f, 3f, 4f], BlendMode.Linear, 2))!;
        Assert.That(error.Message, Does.Contain("concat only"));
    }

    [Test]
    public void DestinationOfWrongShapeIsRejected()
    {
        using var resident = Upload(BlendBackend.Cpu);
        var wrong = resident.CreateOutput(BlendMode.Concat, 2);
        var error = Assert.Throws<ArgumentException>(() => resident.BlendInto([1f, 2f, 3f, 4f], BlendMode.Concat, 3, wrong))!;
        Assert.That(error.Message, Does.Contain("A 6×37").And.Contain("CreateOutput"));
    }

    /// <summary>The native engine checks too: a caller that bypasses the C# checks gets the native message and status.</summary>
    [Test]
    public void NativeChecksReportArgumentAndLimit([Values(BlendBackend.Vulkan, BlendBackend.Cpu)] BlendBackend backend)
    {
        if (backend == BlendBackend.Vulkan) Backends.RequireVulkan();
        using var engine = NativeEngine.Create(new BlenderOptions { Backend = backend });
        using var pool = engine.CreatePool(2, [new NativeTensorDesc { Rows = 2, Cols = 3 }], PoolStorage.Float16);

        var wrongCount = Assert.Throws<BlendEngineException>(() => pool.Blend(0, [1f, 2f, 3f], [], null))!;
        Assert.That(wrongCount.Status, Is.EqualTo(BlendStatus.InvalidArgument));
        Assert.That(wrongCount.Message, Does.Contain("3 weights given for a pool of 2 adapters"));

        var nan = Assert.Throws<BlendEngineException>(() => pool.Blend(0, [1f, float.NaN], [], null))!;
        Assert.That(nan.Message, Does.Contain("weights[1] is NaN"));

        var badSelection = Assert.Throws<BlendEngineException>(() => pool.Blend(1, [1f, 2f], [0u, 0u], null))!;
        Assert.That(badSelection.Message, Does.Contain("selection[1] = 0 repeats selection[0]"));

        var badAdapter = Assert.Throws<BlendEngineException>(() => pool.Upload(2, [new float[6]]))!;
        Assert.That(badAdapter.Message, Does.Contain("adapter 2 is out of range; the pool has 2 adapters"));

        var emptyPool = Assert.Throws<BlendEngineException>(() => engine.CreatePool(0, [new NativeTensorDesc { Rows = 1, Cols = 1 }], PoolStorage.Float32))!;
        Assert.That(emptyPool.Message, Does.Contain("adapter_count is 0"));
    }

    [Test]
    public void UnknownDeviceIsReportedWithWhatExists()
    {
        var byIndex = Assert.Throws<BlendEngineException>(() => Blender.Create(new BlenderOptions { Backend = BlendBackend.Vulkan, DeviceIndex = 99 }))!;
        Assert.That(byIndex.Status, Is.EqualTo(BlendStatus.NoDevice));
        Assert.That(byIndex.Message, Does.Contain("device index 99 does not exist").Or.Contain("no Vulkan"));

        var byName = Assert.Throws<BlendEngineException>(() => Blender.Create(new BlenderOptions { DeviceName = "no-such-gpu" }))!;
        Assert.That(byName.Status, Is.EqualTo(BlendStatus.NoDevice));
    }
}
