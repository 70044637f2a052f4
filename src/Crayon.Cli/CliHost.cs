using System.CommandLine;
namespace Crayon.Cli;

/// <summary>
/// Runs the command tree and turns failures into one clear line on stderr and exit code 1:
/// bad input is reported by what it names (file, field, limit), never with a stack trace.
/// Set CRAYON_DEBUG=1 to see the full exception.
/// </summary>
public static class CliHost
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
        try
        {
            // ProcessTerminationTimeout null: System.CommandLine would otherwise end the process 2 s after
            // SIGTERM/SIGINT (exit 143/130) while a command (serve draining its requests) still runs native work.
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
            return await root.Parse(args).InvokeAsync(config, cancel.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("crayon: cancelled");
            return 130;
        }
        catch (Exception e)
        {
            if (Environment.GetEnvironmentVariable("CRAYON_DEBUG") == "1") Console.Error.WriteLine(e);
            else Console.Error.WriteLine($"crayon: {Describe(e)}");
            return 1;
        }
    }

    private static string Describe(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (!text.Contains(inner.Message, StringComparison.Ordinal)) text += $" ({inner.Message})";
        // ArgumentOutOfRangeException appends "\nActual value was ..." (and a message may quote a multi-line one):
        // the error stays one line so a log or a script reading stderr sees all of it.
        return string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
