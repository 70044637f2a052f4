using Spectre.Console;

namespace Crayon.Cli;

/// <summary>
/// A Spectre console over whatever Console.Out is now. AnsiConsole.Console binds to the stdout of its
/// first use, which breaks when a host (a test, the in-process demo) redirects output between commands.
/// </summary>
public static class CliConsole
{
    public static IAnsiConsole Current() => Over(Console.Out, Console.IsOutputRedirected);

    /// <summary>The same over Console.Error: progress of a command whose stdout is its result.</summary>
    public static IAnsiConsole Error() => Over(Console.Error, Console.IsErrorRedirected);

    // A file or a pipe gets plain text (no colour codes in a log) at a width that keeps tables readable;
    // Spectre would otherwise assume 80 columns there.
    private static IAnsiConsole Over(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected) console.Profile.Width = RedirectedWidth;
        return console;
    }

    private const int RedirectedWidth = 120;
}
