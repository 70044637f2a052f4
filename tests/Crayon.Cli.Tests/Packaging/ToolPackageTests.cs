using System.Diagnostics;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>
/// `crayon` as a .NET tool: `dotnet pack` of the CLI into a local folder feed, `dotnet tool install --tool-path` from
/// it, then the installed `crayon` run from an unrelated folder (no checkout above it, no CRAYON_* variables):
/// its help names it `crayon`, and it generates with the llama.cpp build and blend plugin it carries.
/// </summary>
[NonParallelizable]
public class ToolPackageTests : TempFolderTest
{
    [Test]
    public void TheToolInstallsFromALocalFeedAndRuns()
    {
        var root = RepositoryRoot.Find()!;
        var feed = Directory.CreateDirectory(PathIn("feed")).FullName;
        var tools = PathIn("tools");
        Run("dotnet", root, "pack", Path.Combine(root, "src", "Crayon.Cli", "Crayon.Cli.csproj"), "-c", "Release", "-o", feed, "-nologo", "-v:q", "-clp:ErrorsOnly");
        Assert.That(Directory.GetFiles(feed, "Crayon.Cli.*.nupkg"), Has.Length.EqualTo(1));
        Run("dotnet", TempFolder.FullName, "tool", "install", "Crayon.Cli", "--tool-path", tools, "--add-source", feed, "--ignore-failed-sources");

        var crayon = Path.Combine(tools, "crayon");
        var work = Directory.CreateDirectory(PathIn("elsewhere")).FullName;
        var help = Run(crayon, work, "--help");
        Assert.That(help, Does.Contain("Usage:\n  crayon [command] [options]").And.Contain("CRAYON_LLAMA_LIB_DIR"));

        File.Copy(TestData.Require("models/llama-2-tiny-random.gguf"), Path.Combine(work, "tiny.gguf"));
        var generated = Run(crayon, work, "generate", "-m", "tiny.gguf", "--backend", "cpu", "-t", "1", "--greedy", "-n", "4", "-p", "Once upon a time", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(generated);
        Assert.That(json.RootElement.GetProperty("text").GetString(), Is.Not.Empty);
        var devices = Run(crayon, work, "devices", "--json");
        Assert.That(System.Text.Json.JsonDocument.Parse(devices).RootElement.GetProperty("cpu").GetProperty("index").GetString(), Is.EqualTo("cpu"));
    }

    /// <summary>Runs a program to completion (10 minutes at most) without the CRAYON_* variables; returns stdout, fails on a non-zero exit.</summary>
    private static string Run(string program, string folder, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("CRAYON_", StringComparison.Ordinal)).ToList()) info.Environment.Remove(name);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', arguments)} did not finish in 10 minutes");
        }
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', arguments)}:\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }
}
