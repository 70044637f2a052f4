using System.Diagnostics;

namespace Crayon.Tests.Support;

/// <summary>
/// Runs the real `crayon` tool (Crayon.Cli.dll beside the tests) as a child process: for what needs a
/// fresh process (llama.cpp loads once per process; environment variables such as CRAYON_LLAMA_LIB_DIR).
/// In-process runs go through Cli/CliRunner.
/// </summary>
public static class CrayonCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Crayon.Cli.dll"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"crayon {string.Join(' ', arguments)} did not finish in 5 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static Result Run(params string[] arguments) => Run(null, arguments);
}
