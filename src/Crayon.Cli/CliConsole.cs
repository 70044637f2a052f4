using Spectre.Console;

namespace Crayon.Cli;

/// <summary>
/// A Spectre console over whatever Console.Out is now. AnsiConsole.Console binds to the stdout of its
/// first use, which breaks when a host (a test, the in-process demo) redirects output between commands.
/// </summary>
public static class CliConsole
{
    public static IAnsiConsole Current() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });

    /// <summary>The same over Console.Error: progress of a command whose stdout is its result.</summary>
    public static IAnsiConsole Error() =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
}
