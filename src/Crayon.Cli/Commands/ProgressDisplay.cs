using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>Runs work under a Spectre progress display that stays on screen (description, bar, percentage, elapsed time).</summary>
internal static class ProgressDisplay
{
    public static T Run<T>(IAnsiConsole console, Func<ProgressContext, T> work)
    {
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context => result = work(context));
        return result;
    }
}
