using Crayon.Llama;
using Microsoft.Extensions.Logging;

namespace Crayon.Tests.Llama;

/// <summary>
/// The test process's one llama.cpp runtime: lavapipe made visible (GGML_VK_VISIBLE_DEVICES=0) so the
/// Vulkan tests have a device on a machine without a GPU; the log is collected for assertions.
/// Tests pick the CPU backend explicitly unless they test Vulkan.
/// </summary>
public static class LlamaTestRuntime
{
    private static readonly Lazy<LlamaRuntimeInfo> Info = new(() => LlamaRuntime.Initialize(new LlamaRuntimeOptions
    {
        VulkanVisibleDevices = "0",
        Logger = Log,
    }));

    public static CollectingLogger Log { get; } = new();

    public static LlamaRuntimeInfo Ensure() => Info.Value;

    public static LlamaModelOptions Cpu { get; } = new() { Backend = LlamaBackend.Cpu };

    /// <summary>
    /// Context options for tests: one decoding thread. The test models are tiny (thread barriers cost more than
    /// they save), and ggml's spinning threads slow down sharply when the 2-core machine is busy with anything else.
    /// </summary>
    public static LlamaContextOptions Context(int length = 256, int batchSize = 512) => new() { ContextLength = length, BatchSize = batchSize, Threads = 1 };

    public static LlamaModel LoadCpu(string path)
    {
        Ensure();
        return LlamaModel.Load(path, Cpu);
    }
}

/// <summary>Keeps the last log lines (llama.cpp is chatty; a bounded queue).</summary>
public sealed class CollectingLogger : ILogger
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, string Text)> _lines = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Lines => _lines.ToArray();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        _lines.Enqueue((logLevel, formatter(state, exception)));
        while (_lines.Count > 2000) _lines.TryDequeue(out _);
    }
}
