using System.CommandLine;
using System.CommandLine.Invocation;
namespace Crayon.Cli;

/// <summary>
/// Runs the command tree: usage errors exit 2 (one line each on stderr, and where to find help), failures exit 1
/// with one clear line naming the file, field or limit (never a stack trace), Ctrl+C exits 130.
/// Set CRAYON_DEBUG=1 to see a failure's full exception.
/// </summary>
public static class CliHost
{
    public static async Task<int> RunAsync(RootCommand root, string[] args)
    {
        EnvironmentHelp.AddTo(root);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction) return ReportUsageErrors(parse);
        try
        {
            // ProcessTerminationTimeout null: System.CommandLine would otherwise end the process 2 s after SIGTERM/SIGINT
            // (exit 143/130) while a command (serve draining its requests) still runs native work. Ctrl+C cancels the
            // token; a command that drains on it (serve) keeps the process alive until it is done, every other command
            // ends at once with 130, as the signal's default would.
            using var cancel = new CancellationTokenSource();
            var drains = parse.CommandResult.Command.Name == "serve";
            ConsoleCancelEventHandler onCancel = (_, e) => { cancel.Cancel(); e.Cancel = drains; };
            Console.CancelKeyPress += onCancel;
            try
            {
                var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
                return await parse.InvokeAsync(config, cancel.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"crayon: {OneLine(e.Message)}");
            Console.Error.WriteLine($"Run '{CommandPath(parse)} --help' for usage.");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("crayon: cancelled");
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            if (Environment.GetEnvironmentVariable(EnvironmentHelp.Debug) == "1") Console.Error.WriteLine(e);
            else Console.Error.WriteLine($"crayon: {Describe(e)}");
            return ExitCodes.Failure;
        }
    }

    private static int ReportUsageErrors(ParseResult parse)
    {
        foreach (var error in parse.Errors) Console.Error.WriteLine($"crayon: {OneLine(error.Message)}");
        Console.Error.WriteLine($"Run '{CommandPath(parse)} --help' for usage.");
        return ExitCodes.Usage;
    }

    /// <summary>"crayon pool build": the command the line ran, as its help is asked for.</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r.Parent is System.CommandLine.Parsing.CommandResult parent; r = parent) names.Insert(0, r.Command.Name);
        return string.Join(' ', names.Prepend("crayon"));
    }

    private static string Describe(Exception e)
    {
        var text = e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (!text.Contains(inner.Message, StringComparison.Ordinal)) text += $" ({inner.Message})";
        return OneLine(text);
    }

    // ArgumentOutOfRangeException appends "\nActual value was ..." (and a message may quote a multi-line one): the
    // error stays one line so a log or a script reading stderr sees all of it; control characters a message quotes
    // from a file (a GGUF key, a server's reply) are written escaped, never sent to the terminal.
    private static string OneLine(string text) =>
        UntrustedText.Escape(string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
}
