using System.Globalization;
using Crayon.Tasks;
using Crayon.Training;

namespace Crayon.Hybrid.ServerModel;

/// <summary>
/// How the hybrid benchmark's server model is made when no larger model is at hand: the device's base model
/// (stories260K, imported with an untied output matrix so the classifier can learn apart from the embedding)
/// fully fine-tuned with llama.cpp's training on the union of the train splits (the eight standard tasks, at
/// most <see cref="ItemsPerTask"/> items each, and every MMLU subject, at most <see cref="ItemsPerMmluSubject"/>
/// each), never on a test item of any of them. Same base, same recipe, same seed: the same bytes.
/// <para>
/// What it buys, measured on 200 test items per task (benchmarks/results/hybrid.md): the gold answer's NLL drops
/// on every task and MMLU subject, while accuracy moves little at 260K parameters (near chance on MMLU).
/// </para>
/// </summary>
public sealed record ServerModelRecipe
{
    /// <summary>The recipe measured in benchmarks/results/hybrid.md: 8 tasks × 1,000 + all of MMLU's train splits, 2 epochs (326 s on 2 cores).</summary>
    public static ServerModelRecipe Full { get; } = new();

    /// <summary>
    /// Small enough for the demo and --quick (30 s on 2 cores): 150 items per task, 10 per MMLU
    /// subject, one epoch at a higher learning rate. Weaker than <see cref="Full"/>, still ahead of the device on NLL.
    /// </summary>
    public static ServerModelRecipe Quick { get; } = new() { Name = "quick", ItemsPerTask = 150, ItemsPerMmluSubject = 10, Epochs = 1, LearningRate = 2e-3f };

    /// <summary>For tests: seconds, not minutes; only the plumbing, not a stronger model.</summary>
    public static ServerModelRecipe Tiny { get; } = new() { Name = "tiny", Tasks = ["obqa", "siqa"], ItemsPerTask = 12, ItemsPerMmluSubject = 0, Epochs = 1, WindowLength = 64 };

    /// <summary>A label for reports and the cache file's name.</summary>
    public string Name { get; init; } = "full";

    /// <summary>Stand-alone tasks whose train splits are in the mixture.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = TaskCatalog.StandardTasks;

    /// <summary>Cap per stand-alone task (a seeded subset).</summary>
    public int ItemsPerTask { get; init; } = 1000;

    /// <summary>Cap per MMLU subject; 0 leaves MMLU out.</summary>
    public int ItemsPerMmluSubject { get; init; } = 1000;

    public int Epochs { get; init; } = 2;
    public float LearningRate { get; init; } = TrainingOptions.FineTuneDefaults.LearningRate;
    public int WindowLength { get; init; } = TrainingOptions.FineTuneDefaults.WindowLength;
    public long Seed { get; init; } = 1;

    /// <summary>The training options (every tensor trained, one thread: the bits depend on the thread count).</summary>
    public TrainingOptions Training => TrainingOptions.FineTuneDefaults with
    {
        Epochs = Epochs, LearningRate = LearningRate, WindowLength = WindowLength, Seed = Seed, Threads = 1,
    };

    /// <summary>The recipe as sorted key=value lines: what the cache key and the model's provenance record.</summary>
    public string Canonical() => string.Join('\n', new SortedDictionary<string, string>(StringComparer.Ordinal)
    {
        ["tasks"] = string.Join(",", Tasks),
        ["items_per_task"] = ItemsPerTask.ToString(CultureInfo.InvariantCulture),
        ["items_per_mmlu_subject"] = ItemsPerMmluSubject.ToString(CultureInfo.InvariantCulture),
        ["epochs"] = Epochs.ToString(CultureInfo.InvariantCulture),
        ["learning_rate"] = LearningRate.ToString("R", CultureInfo.InvariantCulture),
        ["window"] = WindowLength.ToString(CultureInfo.InvariantCulture),
        ["seed"] = Seed.ToString(CultureInfo.InvariantCulture),
        ["targets"] = Training.Targets.ToString(),
        ["threads"] = "1",
    }.Select(p => $"{p.Key}={p.Value}"));

    internal void Validate()
    {
        if (Tasks.Count == 0 && ItemsPerMmluSubject == 0) throw new ArgumentException("the server model's recipe has no training data");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ItemsPerTask);
        ArgumentOutOfRangeException.ThrowIfNegative(ItemsPerMmluSubject);
        Training.Validate();
    }
}
