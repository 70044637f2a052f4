namespace Crayon;

/// <summary>
/// Reports on the reporting thread, in order. System.Progress posts to the thread pool (or a captured context), which
/// reorders reports and can deliver them after the work has finished.
/// </summary>
internal sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
