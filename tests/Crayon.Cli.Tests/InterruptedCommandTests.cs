using System.Diagnostics;
using System.Runtime.InteropServices;
using Crayon.Cli;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>
/// Ctrl+C (SIGINT) on a long command run as a child process: it exits 130, and an interrupted write leaves no
/// temporary file behind (the next write of the same target removes those that dead processes left).
/// </summary>
[NonParallelizable]
public partial class InterruptedCommandTests : TempFolderTest
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    private const int SigInt = 2;

    [Test]
    public void SigintDuringAPoolBuildExits130()
    {
        // A test host started in the background inherits SIGINT ignored, and an ignored signal stays ignored across exec
        // (the child's runtime then never sees it): env restores its default, as ServeProcess does for `crayon serve`.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--default-signal=INT", "dotnet", Path.Combine(AppContext.BaseDirectory, "Crayon.Cli.dll"), "pool", "build", "--model", TrainingFixture.Model,
                                  "--data", TestData.Require("qa/siqa/train.jsonl"), "--adapters", "16", "-o", PathIn("pool.gguf") })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var started = new TaskCompletionSource();
        var stderr = new System.Text.StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stderr) stderr.AppendLine(e.Data);
            if (e.Data.Contains("Building a pool", StringComparison.Ordinal)) started.TrySetResult();
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            Assert.That(started.Task.Wait(TimeSpan.FromMinutes(3)), Is.True, "the build started");
            Assert.That(Kill(process.Id, SigInt), Is.Zero);
            Assert.That(process.WaitForExit(TimeSpan.FromMinutes(2)), Is.True, "the build stopped on SIGINT");
            Assert.That(process.ExitCode, Is.EqualTo(ExitCodes.Interrupted), stderr.ToString());
            Assert.That(File.Exists(PathIn("pool.gguf")), Is.False);
            Assert.That(stdout.Result, Is.Empty, "no result was printed");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    [Test]
    public void TemporaryFilesOfDeadWritersAreRemovedByTheNextWrite()
    {
        // A writer killed mid-write leaves ".a.gguf.PID.tmp"; a process that has exited stands for it.
        using var dead = Process.Start(new ProcessStartInfo("true"))!;
        dead.WaitForExit();
        var stale = PathIn($".a.gguf.{dead.Id}.tmp");
        File.WriteAllBytes(stale, []);
        var unrelated = PathIn(".b.gguf.1.tmp"); // another target's: not this write's business
        File.WriteAllBytes(unrelated, []);

        var (code, _, stderr) = CliRunner.Run(Crayon.Cli.Commands.ImportCommand.Create(), "import", "peft",
            "--adapter", TestData.Require("adapters/peft-smollm135m-medflash-5ep"), "-o", PathIn("a.gguf"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(File.Exists(stale), Is.False);
        Assert.That(File.Exists(unrelated), Is.True);
        Assert.That(Directory.GetFiles(TempFolder.FullName, ".a.gguf.*"), Is.Empty);
    }
}
