using System.Diagnostics;
using NUnit.Framework;

namespace Crayon.Tests.Support;

/// <summary>
/// Runs a program to completion as a child process (dotnet build/pack/run, a built sample): fails the test on a
/// non-zero exit with both streams in the message, or when it runs past its time limit; returns stdout.
/// </summary>
public static class ChildProcess
{
    /// <param name="withoutCrayonVariables">Remove every CRAYON_* variable: what a user's app sees on a machine that never ran setup.</param>
    public static string Run(string program, string folder, IReadOnlyList<string> arguments, bool withoutCrayonVariables = false, int timeoutMinutes = 10)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments) info.ArgumentList.Add(a);
        if (withoutCrayonVariables)
            foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("CRAYON_", StringComparison.Ordinal)).ToList()) info.Environment.Remove(name);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        var command = $"{program} {string.Join(' ', arguments)}";
        if (!process.WaitForExit(TimeSpan.FromMinutes(timeoutMinutes)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{command} did not finish in {timeoutMinutes} minutes");
        }
        Assert.That(process.ExitCode, Is.Zero, $"{command} (in {folder}):\n{stdout.Result}\n{stderr.Result}");
        return stdout.Result;
    }

    /// <summary>The build configuration the tests were built in (artifacts/bin/&lt;test project&gt;/release or debug): samples and packages are built the same way.</summary>
    public static string Configuration =>
        string.Equals(new DirectoryInfo(AppContext.BaseDirectory).Name, "debug", StringComparison.OrdinalIgnoreCase) ? "Debug" : "Release";
}
