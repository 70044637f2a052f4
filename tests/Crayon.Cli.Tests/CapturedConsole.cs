using Spectre.Console;

namespace Crayon.Tests.Cli;

/// <summary>A Spectre console writing plain text into a string, wide enough not to wrap table cells.</summary>
internal sealed class CapturedConsole
{
    private readonly StringWriter writer = new();

    public CapturedConsole()
    {
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
        });
        Console.Profile.Width = 240;
    }

    public IAnsiConsole Console { get; }
    public string Text => writer.ToString();
}
