using Crayon.Blending;
using Crayon.Interop.Blend;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>Retuning a live engine (what `crayon bench tune` sweeps) keeps its pools and every blend right.</summary>
public class RetuneTests
{
    [Test]
    public void BlendsStayRightAcrossRetunesAndABadTuningChangesNothing()
    {
        Backends.RequireVulkan();
        using var blender = Blender.Create(new BlenderOptions { Backend = BlendBackend.Vulkan });
        var random = new RandomAdapters();
        var pool = random.Pool(5, rank: 3, RandomAdapters.OddTargets);
        using var resident = blender.Upload(pool, PoolStorage.Float32);
        var weights = random.Weights(5);
        var chosen = BlendSelection.Choose(weights, BlendMode.Concat, 3);
        KernelTuning[] tunings =
        [
            KernelTuning.Default,
            new() { WorkgroupSize = 64, LoadsPerThread = 1, AdapterUnroll = 1 },   // concat tiles shrink: tables rebuilt
            new() { WorkgroupSize = 128, LoadsPerThread = 8, AdapterUnroll = 8 },
        ];
        foreach (var tuning in tunings)
        {
            blender.Retune(tuning);
            Assert.That(blender.Tuning, Is.EqualTo(tuning));
            var linear = resident.Blend(weights, BlendMode.Linear).Adapter;
            var concat = resident.Blend(weights, BlendMode.Concat, 3).Adapter;
            for (var t = 0; t < pool.Targets.Count; t++)
            {
                Assert.That(BlendReference.RelativeError(linear.Pairs[t].A.Data, BlendReference.Linear(pool, weights, t, factorB: false)),
                    Is.LessThan(1e-6), $"linear, {tuning}");
                Assert.That(BlendReference.RelativeError(BlendReference.ToFloats(BlendReference.AppliedUpdate(concat, t)),
                    BlendReference.ExactUpdate(pool, weights, chosen, t)), Is.LessThan(1e-6), $"concat, {tuning}");
            }
        }

        var error = Assert.Throws<BlendEngineException>(() => blender.Retune(new KernelTuning { WorkgroupSize = 1 << 20 }))!;
        Assert.That(error.Message, Does.Contain("workgroup_size 1048576 exceeds the device limit"));
        Assert.That(blender.Tuning, Is.EqualTo(tunings[^1]), "the failed retune left the last tuning in place");
        Assert.That(BlendReference.RelativeError(resident.Blend(weights, BlendMode.Linear).Adapter.Pairs[0].B.Data,
            BlendReference.Linear(pool, weights, 0, factorB: true)), Is.LessThan(1e-6));
    }
}
