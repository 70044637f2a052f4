using Crayon.Adapters;
using Crayon.Cli.Commands;
using Crayon.Tests.Blending;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>`crayon blend` end to end: adapter files in, the blended adapter file out, checked against the float64 reference.</summary>
public class BlendCommandTests : TempFolderTest
{
    private string[] WritePool(int count)
    {
        var pool = new RandomAdapters().Pool(count, rank: 3, RandomAdapters.OddTargets);
        return pool.Adapters.Select((a, i) =>
        {
            var path = PathIn($"a{i}.gguf");
            LoraAdapterGguf.WriteFile(a, path);
            return path;
        }).ToArray();
    }

    [TestCase("cpu")]
    [TestCase("vulkan")]
    public void ConcatOfTheFilesEqualsTheExactWeightedSum(string backend)
    {
        if (backend == "vulkan") Backends.RequireVulkan();
        var files = WritePool(3);
        var weights = new[] { 0.5f, -1.25f, 0f };
        var (code, stdout, stderr) = CliRunner.Run(BlendCommand.Create(), ["blend", "--pool", .. files, "--weights", "0.5,-1.25,0",
            "--mode", "concat", "--top-k", "2", "--backend", backend, "-o", PathIn("out.gguf")]);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("Wrote").And.Contain("rank 6"));

        var pool = new AdapterPool(files.Select(LoraAdapterGguf.Read).ToArray());
        var blended = LoraAdapterGguf.Read(PathIn("out.gguf"));
        for (var t = 0; t < pool.Targets.Count; t++)
        {
            var expected = BlendReference.ExactUpdate(pool, weights, [1, 0], t);
            Assert.That(BlendReference.RelativeError(BlendReference.ToFloats(BlendReference.AppliedUpdate(blended, t)), expected), Is.LessThan(1e-6));
        }
    }

    [Test]
    public void AWeightListOfTheWrongLengthIsNamedAndWritesNothing()
    {
        var files = WritePool(2);
        var (code, _, stderr) = CliRunner.Run(BlendCommand.Create(), ["blend", "--pool", .. files, "--weights", "1", "-o", PathIn("out.gguf")]);
        Assert.That(code, Is.EqualTo(2), "a usage error");
        Assert.That(stderr, Does.Contain("--weights has 1 value(s) but --pool has 2"));
        Assert.That(File.Exists(PathIn("out.gguf")), Is.False);
    }

    [Test]
    public void ANonFiniteWeightIsNamed()
    {
        var files = WritePool(2);
        var (code, _, stderr) = CliRunner.Run(BlendCommand.Create(), ["blend", "--pool", .. files, "--weights", "1,NaN", "--backend", "cpu", "-o", PathIn("out.gguf")]);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("weights[1] is NaN").And.Contain("finite"));
    }
}
