using System.Diagnostics;

namespace Crayon.Tests.Support;

/// <summary>
/// Runs the real `crayon` tool (the solution build's Crayon.Cli.dll, in its own output folder) as a child process: for
/// what needs a fresh process (llama.cpp loads once per process; environment variables such as CRAYON_LLAMA_LIB_DIR).
/// In-process runs go through the Cli tests' CliRunner.
/// </summary>
public static class CrayonCli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>
    /// artifacts/bin/Crayon.Cli/&lt;configuration&gt;/Crayon.Cli.dll, built in the tests' configuration. Test projects that run it
    /// reference Crayon.Cli with ReferenceOutputAssembly="false": built first, never loaded by the tests.
    /// </summary>
    public static string Dll
    {
        get
        {
            var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("the crayon tool is found from a checkout (Crayon.sln not found above the tests)");
            var dll = Path.Combine(root, "artifacts", "bin", "Crayon.Cli", ChildProcess.Configuration.ToLowerInvariant(), "Crayon.Cli.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"the crayon tool is not built at {dll}: run ./scripts/setup.sh", dll);
        }
    }

    public static Result Run(IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Dll);
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
