using System.Globalization;

namespace Crayon.Training;

/// <summary>The crayon.fine_tune.* strings that trained models and adapters carry: what they came from and how.</summary>
internal static class TrainingProvenance
{
    public static Dictionary<string, string> Describe(string modelPath, TrainingOptions options, TrainingStatistics statistics) => new()
    {
        ["crayon.fine_tune.base_model"] = Path.GetFileName(modelPath),
        ["crayon.fine_tune.targets"] = options.Targets.ToString(),
        ["crayon.fine_tune.optimizer"] = options.Optimizer.ToString(),
        ["crayon.fine_tune.epochs"] = options.Epochs.ToString(CultureInfo.InvariantCulture),
        ["crayon.fine_tune.learning_rate"] = options.LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["crayon.fine_tune.schedule"] = options.Schedule.ToString(),
        ["crayon.fine_tune.window"] = options.WindowLength.ToString(CultureInfo.InvariantCulture),
        ["crayon.fine_tune.threads"] = options.Threads.ToString(CultureInfo.InvariantCulture),
        ["crayon.fine_tune.seed"] = options.Seed.ToString(CultureInfo.InvariantCulture),
        ["crayon.fine_tune.texts"] = statistics.Texts.ToString(CultureInfo.InvariantCulture),
        ["crayon.fine_tune.steps"] = statistics.Steps.ToString(CultureInfo.InvariantCulture),
    };
}
