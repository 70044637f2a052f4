using System.Globalization;
using Crayon.Training;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>Runs a training call under a Spectre progress bar showing epoch, step and the latest window loss.</summary>
internal static class TrainingProgressBar
{
    public static T Run<T>(IAnsiConsole console, string title, Func<IProgress<TrainingProgress>, T> train)
    {
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1);
                result = train(new Reporter(task, title));
                task.Value = task.MaxValue;
            });
        return result;
    }

    private sealed class Reporter(ProgressTask task, string title) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress p)
        {
            task.MaxValue = p.TotalSteps;
            task.Value = p.Step;
            task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                $"{title}: epoch {p.Epoch + 1}/{p.Epochs}, step {p.Step}/{p.TotalSteps}, loss {p.Loss:F3}"));
        }
    }
}
