using Microsoft.Extensions.Logging;

namespace Crayon.Cli;

/// <summary>Writes log lines at or above a level to stderr (llama.cpp's log: warnings by default, all with --verbose).</summary>
internal sealed class StderrLogger(LogLevel minimum) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel)) Console.Error.WriteLine($"[{logLevel}] {formatter(state, exception)}");
    }
}
