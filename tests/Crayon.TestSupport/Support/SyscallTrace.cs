using System.Diagnostics;
using NUnit.Framework;

namespace Crayon.Tests.Support;

/// <summary>
/// Attaches strace to this very process (all threads) for the duration of a block and returns the file
/// system calls made meanwhile: proof of what native code did, not just of what it left behind.
/// </summary>
public sealed class SyscallTrace : IDisposable
{
    private readonly Process _strace;
    private readonly string _log;

    private SyscallTrace(Process strace, string log)
    {
        _strace = strace;
        _log = log;
    }

    public static SyscallTrace Start(string calls = "open,openat,openat2,creat,mkdir,rename,renameat,renameat2,link,linkat,symlink,unlink,unlinkat,memfd_create,truncate,ftruncate")
    {
        if (!File.Exists("/usr/bin/strace"))
        {
            const string message = "strace is not installed (apt-get install strace; scripts/setup.sh does)";
            if (TestData.InCi) Assert.Fail(message);
            Assert.Ignore(message);
        }
        var log = Path.Combine(Path.GetTempPath(), $"crayon-strace-{Environment.ProcessId}-{Guid.NewGuid():N}.log");
        var info = new ProcessStartInfo("/usr/bin/strace", $"-f -qq -e trace={calls} -o {log} -p {Environment.ProcessId}")
        {
            RedirectStandardError = true,
        };
        var strace = Process.Start(info)!;
        // strace reports nothing with -qq; wait until its log shows it is attached by probing a marker syscall.
        var marker = Path.Combine("/proc/self/cwd", $"crayon-strace-marker-{Guid.NewGuid():N}");
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            try { using var _ = File.OpenRead(marker); } catch (IOException) { }
            if (File.Exists(log) && File.ReadAllText(log).Contains(Path.GetFileName(marker), StringComparison.Ordinal)) break;
            if (strace.HasExited) Assert.Fail($"strace exited ({strace.ExitCode}): {strace.StandardError.ReadToEnd()}");
            if (DateTime.UtcNow > deadline) Assert.Fail("strace did not attach within 20 s");
            Thread.Sleep(50);
        }
        return new SyscallTrace(strace, log);
    }

    /// <summary>Detaches and returns the traced calls (one per line, strace's format).</summary>
    public IReadOnlyList<string> Stop()
    {
        if (!_strace.HasExited)
        {
            Process.Start("kill", $"-INT {_strace.Id}")!.WaitForExit();
            _strace.WaitForExit(10_000);
        }
        var lines = File.ReadAllLines(_log);
        File.Delete(_log);
        return lines;
    }

    public void Dispose()
    {
        if (!_strace.HasExited) { _strace.Kill(); _strace.WaitForExit(); }
        if (File.Exists(_log)) File.Delete(_log);
        _strace.Dispose();
    }
}
