using System.Text.Json;
using Crayon.Blending;
using Crayon.Cli.Commands;
using Crayon.Tests.Blending;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>`crayon bench blend` in miniature: both backends, GB/s against copy, and the JSON file. No timing thresholds.</summary>
public class BenchBlendCommandTests
{
    [Test]
    public void SweepWritesFiguresWithMachineAndDevicesNamed()
    {
        Backends.RequireVulkan();
        var json = new FileInfo(Path.Combine(Path.GetTempPath(), $"crayon-bench-{Guid.NewGuid():N}.json"));
        var console = new CapturedConsole();
        var settings = new BenchBlendSettings([1L << 20, 3L << 20], [2], [BlendBackend.Vulkan, BlendBackend.Cpu],
                                              [PoolStorage.Float32, PoolStorage.Float16], [BlendMode.Linear], Repetitions: 2, Device: null,
                                              CpuThreads: 0, KernelTuning.Default);
        try
        {
            var results = BenchBlendCommand.Run(settings, json, console.Console);

            Assert.That(results, Has.Count.EqualTo(8));
            Assert.That(results.All(r => r.BlendGigabytesPerSecond > 0 && r.CopyGigabytesPerSecond > 0 && r.PercentOfCopy > 0));
            Assert.That(results.Where(r => r.Backend == "vulkan").All(r => r.DeviceTimed && r.TransferCopyGigabytesPerSecond > 0));
            var f16 = results.First(r => r.Storage == "f16");
            Assert.That(f16.BlendBytesMoved, Is.EqualTo(f16.PoolBytes + f16.OutputBytes));
            Assert.That(f16.OutputBytes, Is.EqualTo(f16.PoolBytes / f16.Adapters * 2), "fp32 output of one fp16 adapter");

            using var document = JsonDocument.Parse(File.ReadAllText(json.FullName));
            var root = document.RootElement;
            Assert.That(root.GetProperty("machine").GetProperty("cpu").GetString(), Is.Not.Empty);
            Assert.That(root.GetProperty("machine").GetProperty("cores").GetInt32(), Is.EqualTo(Environment.ProcessorCount));
            Assert.That(root.GetProperty("devices").GetArrayLength(), Is.EqualTo(2));
            Assert.That(root.GetProperty("results").GetArrayLength(), Is.EqualTo(8));
            Assert.That(root.GetProperty("results")[0].GetProperty("percent_of_copy").GetDouble(), Is.GreaterThan(0));
            Assert.That(console.Text, Does.Contain("% of copy"));
        }
        finally
        {
            json.Delete();
        }
    }

    [Test]
    public void BadSettingsAreNamed()
    {
        var settings = new BenchBlendSettings([1L << 20], [0], [BlendBackend.Cpu], [PoolStorage.Float32], [BlendMode.Linear], 1, null, 0, KernelTuning.Default);
        Assert.That(() => BenchBlendCommand.Run(settings, null, new CapturedConsole().Console),
            Throws.InstanceOf<Crayon.Cli.UsageException>().With.Message.Contains("--adapters"), "a usage error: crayon exits 2");
    }
}
