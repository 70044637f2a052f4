using System.CommandLine;
using Crayon.Cli;

namespace Crayon.Tests.Cli;

/// <summary>Runs CLI commands in-process through the real host (one-line errors, exit codes), capturing stdout and stderr.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Out, string Error) Run(Command command, params string[] args)
    {
        var root = new RootCommand("test") { command };
        var (oldOut, oldError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = CliHost.RunAsync(root, args).GetAwaiter().GetResult();
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }
}
