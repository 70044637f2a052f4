using Crayon.Llama;
using Crayon.Pool.Building;
using Crayon.Tasks;
using Crayon.Training;

namespace Crayon.Pool;

/// <summary>
/// The small pool `crayon demo` and `crayon bench hybrid` customize from (built in minutes on 2 cores, then cached):
/// its data are the tasks' train splits without their test splits and without the first <see cref="HeldOutExamples"/>
/// user examples of each task (<see cref="TaskSampler.UserExamples"/> with the same seed), so any K up to that many
/// user examples were never seen by the pool.
/// </summary>
public sealed record StandardPool
{
    /// <summary>User examples held out of the pool for every task.</summary>
    public const int HeldOutExamples = 64;

    public IReadOnlyList<string> Tasks { get; init; } = TaskCatalog.StandardTasks;
    public int Adapters { get; init; } = 8;
    public int Rank { get; init; } = 4;

    /// <summary>Train items per task in the pool's mixture.</summary>
    public int ItemsPerTask { get; init; } = 60;

    public int Epochs { get; init; } = 1;

    /// <summary>Tokens per training window.</summary>
    public int ContextTokens { get; init; } = 128;

    public long Seed { get; init; } = 1;
    public EmbeddingSignal Signal { get; init; } = PoolBuildSettings.DefaultSignal;

    public PoolBuildSettings BuildSettings => new()
    {
        Adapters = Adapters,
        Rank = Rank,
        Seed = Seed,
        Signal = Signal,
        Training = TrainingOptions.AdapterDefaultsFor(Rank) with { Epochs = Epochs, WindowLength = ContextTokens },
    };

    /// <summary>The pool's training data from <paramref name="data"/> (the loaded <see cref="Tasks"/>).</summary>
    public PoolTrainingData TrainingData(IReadOnlyList<QaTaskData> data)
    {
        var heldOut = data.SelectMany(t => t.Test.Concat(TaskSampler.UserExamples(t, Math.Min(HeldOutExamples, t.Train.Count / 2), Seed)));
        var mixture = TaskSampler.TrainingMixture(data, Seed, ItemsPerTask, new LeakageGuard(heldOut));
        return mixture.AsPoolData(Tasks.Select(t => $"task {t} (train, less test and demo examples)").ToArray());
    }

    /// <summary>The pool for <paramref name="modelPath"/>, from the cache or built now.</summary>
    public CachedPool GetOrBuild(string modelPath, TaskCatalog? catalog = null, PoolBuildRun? run = null, string? cacheFolder = null)
    {
        catalog ??= TaskCatalog.Open();
        var data = Tasks.Select(t => catalog.Get(t).Load()).ToArray();
        return PoolCache.GetOrBuild(modelPath, TrainingData(data), BuildSettings, run, cacheFolder);
    }
}
