using System.Globalization;
using Crayon.Pool.Building;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>A pool build under Spectre progress bars: embedding, clustering, training (with the current adapter's step and loss), writing.</summary>
internal static class PoolBuildProgressBar
{
    public static T Run<T>(IAnsiConsole console, Func<IProgress<PoolBuildProgress>, T> build) => ProgressDisplay.Run(console, context =>
    {
        var tasks = Enum.GetValues<PoolBuildPhase>().ToDictionary(p => p, p => context.AddTask(p.ToString().ToLowerInvariant(), autoStart: false, maxValue: 1));
        var result = build(new Reporter(tasks));
        foreach (var task in tasks.Values) { task.Value = task.MaxValue; task.StopTask(); }
        return result;
    });

    private sealed class Reporter(Dictionary<PoolBuildPhase, ProgressTask> tasks) : IProgress<PoolBuildProgress>
    {
        public void Report(PoolBuildProgress p)
        {
            var task = tasks[p.Phase];
            if (!task.IsStarted) task.StartTask();
            task.MaxValue = Math.Max(1, p.Total);
            var fraction = p.Step is { } step && step.TotalSteps > 0 ? (double)step.Step / step.TotalSteps : 0;
            task.Value = p.Done + fraction;
            task.Description = Markup.Escape(p.Phase switch
            {
                PoolBuildPhase.Embedding => $"embedding {p.Done}/{p.Total} examples{(p.Resumed ? " (resumed)" : "")}",
                PoolBuildPhase.Training when p.Step is { } s => string.Create(CultureInfo.InvariantCulture,
                    $"training adapter {p.Adapter + 1}/{p.Total}: step {s.Step}/{s.TotalSteps}, loss {s.Loss:F3}"),
                PoolBuildPhase.Training => $"training: {p.Done}/{p.Total} adapters{(p.Resumed ? " (resumed)" : "")}",
                _ => p.Phase.ToString().ToLowerInvariant(),
            });
        }
    }
}
