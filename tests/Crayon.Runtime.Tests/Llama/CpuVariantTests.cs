using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

/// <summary>
/// Which of ggml's CPU kernel families this process runs: scripts/test.sh runs the <see cref="PathAgreement.Category"/>
/// tests a second time from a folder holding one libggml-cpu variant and names it in CRAYON_EXPECT_CPU_VARIANT, so
/// that run must really have loaded that variant and no other.
/// </summary>
[Category(PathAgreement.Category)]
public class CpuVariantTests
{
    public const string ExpectedVariantVariable = "CRAYON_EXPECT_CPU_VARIANT";

    [Test]
    public void ExactlyOneCpuKernelFamilyIsLoaded_TheOneThisRunAsksFor()
    {
        LlamaTestRuntime.Ensure();
        var loaded = File.ReadLines("/proc/self/maps")
            .Select(line => Path.GetFileName(line.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? ""))
            .Where(name => name.StartsWith("libggml-cpu", StringComparison.Ordinal))
            .Distinct().ToArray();
        Assert.That(loaded, Has.Length.EqualTo(1), $"libggml-cpu variants mapped: {string.Join(", ", loaded)}");
        TestContext.Out.WriteLine($"ggml CPU variant: {loaded[0]}");
        var expected = Environment.GetEnvironmentVariable(ExpectedVariantVariable);
        if (!string.IsNullOrEmpty(expected))
            Assert.That(loaded[0], Is.EqualTo($"libggml-cpu-{expected}.so"), $"{ExpectedVariantVariable}={expected}");
    }
}
