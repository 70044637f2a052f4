using Crayon.Blending;
using Crayon.Cli.Commands;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>The tuning grids `crayon bench tune` sweeps (the other shapes the GPU benchmarks are named by: Evaluation.Tests' BenchmarkShapesTests).</summary>
public class BenchTuneCommandTests
{
    [Test]
    public void TuningGridsAreTheAxesOrEveryCombination()
    {
        Assert.That(BenchTuneCommand.Tunings([64, 256], [2, 4], [4], [0, 1024], "full"), Has.Count.EqualTo(8));
        var axes = BenchTuneCommand.Tunings([64, 256, 512], [1, 4], [2, 4], [0, 1056], "axes");
        Assert.That(axes, Has.Count.EqualTo(6), "the default (256, 1, 4, no cap) appears once");
        Assert.That(axes.Count(t => t.WorkgroupSize != 256), Is.EqualTo(2));
        Assert.That(axes.Single(t => t.MaxWorkgroups == 1056), Is.EqualTo(new KernelTuning { WorkgroupSize = 256, LoadsPerThread = 1, AdapterUnroll = 4, MaxWorkgroups = 1056 }));
        Assert.That(() => BenchTuneCommand.Tunings([64], [4], [4], [0], "random"), Throws.InstanceOf<ArgumentException>().With.Message.Contains("--grid"));
        Assert.That(() => BenchTuneCommand.Tunings([64], [4], [4], [-1], "full"), Throws.InstanceOf<ArgumentException>().With.Message.Contains("--max-workgroups"));
    }
}
