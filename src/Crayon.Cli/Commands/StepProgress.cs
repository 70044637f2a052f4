using Crayon.Benchmarking.Customize;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>Shows a benchmark's stages (data, pool, oracles, tasks) as Spectre progress bars, one per stage.</summary>
internal static class StepProgress
{
    public static T Run<T>(IAnsiConsole console, Func<IProgress<BenchmarkStep>, T> work) => ProgressDisplay.Run(console, context =>
    {
        var tasks = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
        var gate = new Lock();
        var result = work(new Reporter(step =>
        {
            lock (gate)
            {
                if (!tasks.TryGetValue(step.Stage, out var task)) tasks[step.Stage] = task = context.AddTask(Markup.Escape(step.Stage), maxValue: Math.Max(1, step.Total));
                task.MaxValue = Math.Max(1, step.Total);
                task.Value = step.Done;
                task.Description = Markup.Escape(step.Detail is null ? step.Stage : $"{step.Stage}: {step.Detail}");
            }
        }));
        foreach (var task in tasks.Values) task.Value = task.MaxValue;
        return result;
    });

    private sealed class Reporter(Action<BenchmarkStep> report) : IProgress<BenchmarkStep>
    {
        public void Report(BenchmarkStep value) => report(value);
    }
}
