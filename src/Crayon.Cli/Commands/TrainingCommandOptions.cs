using System.CommandLine;
using System.Globalization;
using Crayon.Llama;
using Crayon.Tasks;
using Crayon.Training;

namespace Crayon.Cli.Commands;

/// <summary>The options of every training command: model, data, and how to train.</summary>
internal sealed class TrainingCommandOptions(TrainingOptions defaults)
{
    public Option<string> Model { get; } = new("--model", "-m") { Description = "F32 GGUF model to train from (e.g. from `crayon import llama2c`)", Required = true };
    public TrainingDataOptions Data { get; } = new("train");
    public Option<int> Epochs { get; } = new("--epochs") { Description = "passes over the data", DefaultValueFactory = _ => defaults.Epochs };
    public Option<float> LearningRate { get; } = new("--lr") { Description = "peak learning rate (cosine decay to a tenth)", DefaultValueFactory = _ => defaults.LearningRate };
    public Option<int> Window { get; } = new("--window") { Description = "tokens per training window (one optimizer step each)", DefaultValueFactory = _ => defaults.WindowLength };
    public Option<string> Targets { get; } = new("--targets")
    {
        Description = $"'all', or block modules to train, comma-separated (trainable: {string.Join(",", TensorSelection.LlamaProjections)})",
        DefaultValueFactory = _ => defaults.Targets.ToString(),
    };
    public Option<int> Threads { get; } = new("--threads") { Description = "CPU threads (the result's bits depend on it)", DefaultValueFactory = _ => defaults.Threads };
    public Option<string> Output { get; } = new("--output", "-o") { Description = "GGUF file to write", Required = true };
    public Option<bool> Json { get; } = JsonOutput.CreateOption();

    public void AddTo(Command command)
    {
        command.Add(Model);
        Data.AddTo(command);
        foreach (var option in new Option[] { Epochs, LearningRate, Window, Targets, Threads, Output, Json })
            command.Add(option);
    }

    public TrainingOptions Options(ParseResult result) => defaults with
    {
        Epochs = result.GetValue(Epochs),
        LearningRate = result.GetValue(LearningRate),
        WindowLength = result.GetValue(Window),
        Targets = TensorSelection.Parse(result.GetValue(Targets)!),
        Threads = result.GetValue(Threads),
        Seed = result.GetValue(Data.Seed),
    };

    /// <summary>The items as training texts: the scoring prompt followed by the gold answer, cut from the left to fit the window.</summary>
    public IReadOnlyList<string> Texts(ParseResult result, TrainingOptions options)
    {
        var budget = PromptBudget.FromTokens(options.WindowLength);
        return Data.Load(result).Select(item => QaPrompt.ForTraining(item, budget).Text).ToArray();
    }

    public string ModelPath(ParseResult result)
    {
        LlamaRuntime.Initialize();
        return result.GetValue(Model)!;
    }

    public static string Describe(TrainingStatistics s) => string.Create(CultureInfo.InvariantCulture,
        $"{s.Texts} texts ({s.TruncatedTexts} cut to fit), {s.TextTokens:N0} tokens, {s.Steps} steps, {s.PaddingShare:P1} padding; " +
        $"loss by epoch {string.Join(" → ", s.EpochLosses.Select(l => l.ToString("F3", CultureInfo.InvariantCulture)))}; " +
        $"{s.TimePerEpoch.TotalSeconds:F1} s per epoch");

    /// <summary>The training figures of Describe as JSON, for --json.</summary>
    public static System.Text.Json.Nodes.JsonObject ToJson(TrainingStatistics s) => new()
    {
        ["texts"] = s.Texts,
        ["truncatedTexts"] = s.TruncatedTexts,
        ["tokens"] = s.TextTokens,
        ["steps"] = s.Steps,
        ["paddingShare"] = s.PaddingShare,
        ["epochLosses"] = JsonOutput.Array(s.EpochLosses, l => System.Text.Json.Nodes.JsonValue.Create(l)),
        ["secondsPerEpoch"] = s.TimePerEpoch.TotalSeconds,
    };
}
