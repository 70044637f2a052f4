using System.Diagnostics;
using System.Text.Json;
using Crayon.Tests.Blending;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Benchmarking;

/// <summary>
/// CI runs the GPU script (benchmarks/gpu/run.sh) end to end in its reduced size, on lavapipe and the CPU, with the
/// built CLI instead of the bundle: every step must run and land in one results folder. No timing thresholds.
/// </summary>
public class GpuScriptSmokeTests : TempFolderTest
{
    [Test]
    public void TheSmokeRunWritesOneResultsFolderWithEveryBenchmark()
    {
        Backends.RequireVulkan();
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("checkout not found");
        var app = Path.Combine(root, "artifacts", "bin", "Crayon.Cli", "release");
        if (!File.Exists(Path.Combine(app, "Crayon.Cli.dll")))
        {
            var message = $"the CLI is not built in {app}; run ./scripts/setup.sh";
            if (TestData.InCi) Assert.Fail(message);
            Assert.Ignore(message);
        }
        var results = PathIn("results");
        var start = new ProcessStartInfo("bash", [Path.Combine(root, "benchmarks", "gpu", "run.sh"), "--smoke", "--app", app, "--out", results])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = root,
        };
        start.Environment["CRAYON_GPU_WORK"] = PathIn("work");
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(3)), Is.True, "run.sh --smoke finished");
        TestContext.Out.WriteLine(output);
        Assert.That(process.ExitCode, Is.Zero, error.Result);

        var steps = output[output.LastIndexOf("## Steps", StringComparison.Ordinal)..];
        foreach (var step in new[] { "devices", "blend", "shapes-1b", "recipes", "tune", "swap", "decode", "peers" })
            Assert.That(steps, Does.Contain($"| {step} | ok"), step);
        Assert.That(Directory.GetFiles(results).Select(Path.GetFileName), Is.EquivalentTo(new[] { "results.json", "summary.md", "log.txt" }));

        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(results, "results.json")));
        var benchmarks = document.RootElement.GetProperty("benchmarks");
        Assert.That(benchmarks.GetProperty("blend").GetProperty("results").GetArrayLength(), Is.EqualTo(8), "2 storages × 2 N × 2 sizes");
        Assert.That(benchmarks.GetProperty("shapes-1b").GetProperty("results")[0].GetProperty("shape").GetString(), Is.EqualTo("smoke"));
        Assert.That(benchmarks.GetProperty("recipes").GetProperty("results").EnumerateArray().Select(r => r.GetProperty("mode").GetString()!.Split(':')[0]),
                    Is.EqualTo(new[] { "linear", "ties", "dare_linear", "dare_ties", "magnitude_prune" }), "the merge recipes beside linear");
        Assert.That(benchmarks.GetProperty("tune").GetProperty("best").GetArrayLength(), Is.EqualTo(1));
        Assert.That(benchmarks.GetProperty("swap").GetProperty("in_place_max_logit_difference").GetDouble(), Is.Zero);
        Assert.That(benchmarks.GetProperty("swap").GetProperty("in_place").GetProperty("upload_done").GetProperty("median").GetDouble(), Is.GreaterThan(0),
            "the pipelined in-place swap, with the sequential one beside it");
        Assert.That(benchmarks.GetProperty("swap").GetProperty("in_place_sequential").GetProperty("upload").GetProperty("median").GetDouble(), Is.GreaterThan(0));
        Assert.That(benchmarks.GetProperty("decode").GetProperty("results").GetArrayLength(), Is.EqualTo(4));
        Assert.That(benchmarks.GetProperty("peers").GetProperty("benchmark").GetString(), Is.EqualTo("pytorch peers"));
        Assert.That(document.RootElement.GetProperty("machine").GetProperty("smoke").GetString(), Is.EqualTo("1"));
    }
}
