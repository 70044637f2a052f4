using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Crayon.Interop.Llama;

/// <summary>
/// Routes llama.cpp's and ggml's log (one global callback in the native library) into an ILogger.
/// Native code sends pieces of lines (level CONT continues the previous one), so text is gathered
/// per thread until a newline. The last error line of each thread is kept, so a failed native call
/// can be reported with llama.cpp's own reason (<see cref="TakeLastError"/>).
/// </summary>
internal static class LlamaLogBridge
{
    private static volatile ILogger _logger = NullLogger.Instance;

    [ThreadStatic] private static StringBuilder? _line;
    [ThreadStatic] private static int _lineLevel;
    [ThreadStatic] private static string? _lastError;

    public static unsafe void Install(ILogger logger)
    {
        _logger = logger;
        LlamaApi.llama_log_set(&OnLog, IntPtr.Zero);
        GgmlApi.ggml_set_abort_callback(&OnAbort);
    }

    public static void SetLogger(ILogger logger) => _logger = logger;

    /// <summary>The last error llama.cpp logged on this thread since the previous call, or null.</summary>
    public static string? TakeLastError()
    {
        var error = _lastError;
        _lastError = null;
        return error;
    }

    /// <summary>Forgets an earlier error so that <see cref="TakeLastError"/> reports only what follows.</summary>
    public static void ClearLastError() => _lastError = null;

    [UnmanagedCallersOnly]
    private static unsafe void OnLog(int level, byte* text, IntPtr userData)
    {
        try
        {
            var piece = text is null ? "" : Marshal.PtrToStringUTF8((IntPtr)text) ?? "";
            var line = _line ??= new StringBuilder();
            if (level != GgmlConstants.LogLevelCont) _lineLevel = level;
            line.Append(piece);
            if (!piece.EndsWith('\n')) return;
            var message = line.ToString().TrimEnd();
            line.Clear();
            if (message.Length == 0) return;
            var logLevel = ToLogLevel(_lineLevel);
            if (logLevel == LogLevel.Error) _lastError = message;
            var logger = _logger;
            if (logger.IsEnabled(logLevel)) logger.Log(logLevel, "{LlamaMessage}", message);
        }
        catch
        {
            // Never let an exception cross into native code; a lost log line is the lesser harm.
        }
    }

    [UnmanagedCallersOnly]
    private static unsafe void OnAbort(byte* message)
    {
        try
        {
            var text = message is null ? "" : Marshal.PtrToStringUTF8((IntPtr)message);
            _logger.LogCritical("ggml aborted the process: {Reason}", text);
        }
        catch
        {
            // The process is about to abort; nothing more can be done.
        }
    }

    private static LogLevel ToLogLevel(int ggmlLevel) => ggmlLevel switch
    {
        GgmlConstants.LogLevelError => LogLevel.Error,
        GgmlConstants.LogLevelWarn => LogLevel.Warning,
        GgmlConstants.LogLevelInfo => LogLevel.Information,
        GgmlConstants.LogLevelDebug => LogLevel.Debug,
        _ => LogLevel.Trace,
    };
}
