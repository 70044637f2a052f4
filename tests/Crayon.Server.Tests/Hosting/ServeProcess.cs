using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Crayon.Tests.Support;

namespace Crayon.Tests.Server;

/// <summary>
/// `crayon serve` as a child process (the real tool, <see cref="CrayonCli.Dll"/>), started through
/// bash so a test can lower its open-file limit; for signals and limits that only a whole process shows.
/// </summary>
internal sealed partial class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr; // appended to by the process's stderr handler

    private ServeProcess(Process process, Uri baseUrl, StringBuilder stderr)
    {
        _process = process;
        BaseUrl = baseUrl;
        _stderr = stderr;
    }

    public Uri BaseUrl { get; }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Starts the server on a free loopback port and waits for its "serving ... at URL" line.</summary>
    public static async Task<ServeProcess> StartAsync(string modelPath, IEnumerable<string> arguments, int? openFileLimit = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var command = new StringBuilder();
        if (openFileLimit is { } limit) command.Append($"ulimit -n {limit} && ");
        // A test host started in the background inherits SIGINT ignored, and an ignored signal stays ignored
        // across exec (the runtime then never sees it): restore its default so the SIGINT case tests the server.
        command.Append("exec env --default-signal=INT dotnet ").Append(Quote(CrayonCli.Dll))
            .Append(" serve --model ").Append(Quote(modelPath)).Append(" --port 0 --backend cpu --threads 1 --ctx 512");
        foreach (var argument in arguments) command.Append(' ').Append(Quote(argument));
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(command.ToString());
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
            if (value is null) info.Environment.Remove(key); else info.Environment[key] = value;
        var process = Process.Start(info)!;
        var ready = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) { ready.TrySetException(new InvalidOperationException($"crayon serve ended before serving: {stderr}")); return; }
            lock (stdout) stdout.AppendLine(e.Data);
            if (ServingLine().Match(e.Data) is { Success: true } match) ready.TrySetResult(new Uri(match.Groups[1].Value));
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            return new ServeProcess(process, await ready.Task.WaitAsync(TimeSpan.FromMinutes(2)), stderr);
        }
        catch
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    /// <summary>Sends a POSIX signal (TERM, INT) to the server.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", $"-{name} {_process.Id}")!;
        kill.WaitForExit();
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code, waiting at most <paramref name="limit"/> (a bound on the test, not an assertion on speed).</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan limit)
    {
        using var cancel = new CancellationTokenSource(limit);
        try { await _process.WaitForExitAsync(cancel.Token); }
        catch (OperationCanceledException) { return null; }
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    [GeneratedRegex(@"serving '.*' at (http://\S+/) ")]
    private static partial Regex ServingLine();
}
