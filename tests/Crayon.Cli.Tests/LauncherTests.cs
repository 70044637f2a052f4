using System.Diagnostics;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>
/// `./crayon` runs scripts/setup.sh before every command; with the pinned llama.cpp build in place its fetch steps
/// must print nothing (stdout is the command's, and a script parsing `--json` must see only that).
/// </summary>
public class LauncherTests
{
    [TestCase("fetch-llama.sh")]
    [TestCase("fetch-llama-headers.sh")]
    public void FetchStepsAreSilentWhenThePinnedBuildIsThere(string script)
    {
        var root = RepositoryRoot.Find()!;
        Assert.That(File.Exists(Path.Combine(root, ".deps", "llama", "linux-x64-vulkan", ".crayon-pin")), Is.True, "scripts/setup.sh has fetched the pinned build");
        var info = new ProcessStartInfo("bash", [Path.Combine(root, "scripts", script)]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromMinutes(2)), Is.True);
        Assert.That((process.ExitCode, stdout.Result, stderr.Result), Is.EqualTo((0, "", "")));
    }
}
