using System.Diagnostics;
using Crayon.Adapters;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Pool.Building;
using Crayon.Tasks;
using Crayon.Training;

namespace Crayon.Benchmarking.Customize;

/// <summary>Reported as the benchmark advances: a stage ("pool r4", "oracles r4", "tasks r4") and its count.</summary>
public readonly record struct BenchmarkStep(string Stage, int Done, int Total, string? Detail = null);

/// <summary>
/// `crayon bench customize` (issue 4): for every task, the user's K examples from its train split customize the
/// device model, and six methods are scored on the same test items by answer NLL and accuracy: the base model, the
/// uniform blend, the best single base adapter (chosen on the K examples), a LoraHub-style search of alpha on the K
/// examples, Crayon, and an oracle adapter trained on the task's train split. The pool is built from the train
/// splits' mixture with every test, validation and user item held out (<see cref="TaskSplit"/>), and cached.
/// </summary>
public static class CustomizeBenchmark
{
    public static CustomizeBenchmarkResult Run(string modelPath, CustomizeBenchmarkSettings settings, IProgress<BenchmarkStep>? progress = null,
        string? cacheFolder = null, CancellationToken cancellation = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var clock = Stopwatch.StartNew();
        var splits = CarveSplits(settings, progress);
        var identity = PoolModelIdentity.Of(modelPath);
        using var model = LlamaModel.Load(modelPath, new LlamaModelOptions { Backend = LlamaBackend.Cpu });

        var records = new List<CustomizationRecord>();
        var alphas = new List<TaskAlpha>();
        var costs = new List<MethodCosts>();
        var items = new List<ItemNlls>();
        var pools = new List<BenchmarkPool>();
        var (poolSplits, evaluated) = Divide(splits, settings);
        foreach (var rank in settings.Ranks)
        {
            var pool = BuildPool(modelPath, poolSplits, settings, rank, progress, cacheFolder, cancellation);
            pools.Add(pool.Summary);
            // Leave-tasks-out compares Crayon with what a device could do without the pool's having seen the task (base,
            // uniform, best single); the oracle and the search answer other questions and would double the run.
            var oracles = settings.LeavesTasksOut ? null : TrainOracles(modelPath, identity, evaluated, settings, rank, progress, cacheFolder, cancellation);
            using var customizer = new Customizer(model, identity, pool.Pool, new CustomizerOptions { Alpha = settings.Alpha, Mode = settings.Mode, Aggregation = settings.Aggregation, Signal = settings.Signal });
            var outcomes = ForEachTask(evaluated, settings.Jobs, $"tasks r{rank}", progress, cancellation,
                split => new TaskRun(model, customizer, settings, rank, cancellation).Evaluate(split, oracles?[split.Name]));
            foreach (var outcome in outcomes)
            {
                records.AddRange(outcome.Records);
                alphas.AddRange(outcome.Alphas);
                costs.AddRange(outcome.Costs);
                items.AddRange(outcome.Items);
            }
        }
        var skipped = evaluated.Where(s => settings.Ks.Any(k => !s.Supports(k))).ToDictionary(s => s.Name, s => s.User.Count);
        return new CustomizeBenchmarkResult(settings, identity.Name, records, alphas, costs, pools, skipped, clock.Elapsed, items);
    }

    /// <summary>The splits whose data the pool trains on, and the splits evaluated: all and all, or, leaving tasks out, the rest and the left-out ones.</summary>
    internal static (TaskSplit[] Pool, TaskSplit[] Evaluated) Divide(IReadOnlyList<TaskSplit> splits, CustomizeBenchmarkSettings settings)
    {
        if (!settings.LeavesTasksOut) return (splits.ToArray(), splits.ToArray());
        var left = settings.LeaveOut.ToHashSet(StringComparer.Ordinal);
        return (splits.Where(s => !left.Contains(s.Name)).ToArray(), splits.Where(s => left.Contains(s.Name)).ToArray());
    }

    /// <summary>
    /// What the ablations judge on: the pool's splits, and the evaluated splits that support the largest K and have
    /// validation items (ablations choose defaults on validation items only).
    /// </summary>
    internal static (TaskSplit[] Pool, TaskSplit[] Validated) ValidationSplits(CustomizeBenchmarkSettings settings, IProgress<BenchmarkStep>? progress)
    {
        var k = settings.Ks.Max();
        var (pool, evaluated) = Divide(CarveSplits(settings, progress), settings);
        return (pool, evaluated.Where(s => s.Supports(k) && s.Validation.Count > 0).ToArray());
    }

    /// <summary>Every task's split, and the pool's training mixture with all held-out items removed.</summary>
    internal static TaskSplit[] CarveSplits(CustomizeBenchmarkSettings settings, IProgress<BenchmarkStep>? progress)
    {
        var catalog = TaskCatalog.Open();
        var maxK = settings.Ks.Max();
        var splits = new TaskSplit[settings.Tasks.Count];
        for (var i = 0; i < splits.Length; i++)
        {
            progress?.Report(new BenchmarkStep("data", i, splits.Length, settings.Tasks[i]));
            splits[i] = TaskSplit.Carve(catalog.Get(settings.Tasks[i]).Load(), maxK, settings.ValidationCap, settings.TestItems, settings.Seed);
        }
        progress?.Report(new BenchmarkStep("data", splits.Length, splits.Length));
        return splits;
    }

    /// <summary>The pool's data: at most the per-task cap of each task's server share, shuffled with the seed.</summary>
    internal static PoolTrainingData PoolData(IReadOnlyList<TaskSplit> splits, CustomizeBenchmarkSettings settings)
    {
        var guard = new LeakageGuard(splits.SelectMany(s => s.HeldOutFromPool));
        var mixture = TaskSampler.TrainingMixture(splits.Select(s => s.Data).ToArray(), settings.Seed, settings.PerTaskCap, guard);
        return mixture.AsPoolData(splits.Select(s => $"task {s.Name} (train, less test/validation/user items)").ToArray());
    }

    internal static TrainingOptions TrainingFor(CustomizeBenchmarkSettings settings, int rank)
    {
        var defaults = TrainingOptions.AdapterDefaultsFor(rank);
        return defaults with { Epochs = settings.Epochs ?? defaults.Epochs, Seed = settings.Seed, WindowLength = settings.ContextLength };
    }

    internal sealed record BuiltPool(AdapterPoolArtifact Pool, BenchmarkPool Summary);

    internal static BuiltPool BuildPool(string modelPath, IReadOnlyList<TaskSplit> splits, CustomizeBenchmarkSettings settings, int rank,
        IProgress<BenchmarkStep>? progress, string? cacheFolder, CancellationToken cancellation)
    {
        var stage = $"pool r{rank}";
        var buildSettings = new PoolBuildSettings
        {
            Adapters = settings.Adapters,
            Rank = rank,
            Signal = settings.Signal,
            CenterEmbeddings = settings.Center,
            Seed = settings.Seed,
            Training = TrainingFor(settings, rank),
            MinClusterExamples = settings.MinClusterExamples,
        };
        var report = progress is null ? null : new InlineProgress<PoolBuildProgress>(p =>
        {
            if (p.Phase == PoolBuildPhase.Training) progress.Report(new BenchmarkStep(stage, p.Done, p.Total, p.Adapter is { } a ? $"training adapter {a + 1}" : null));
            else if (p.Phase == PoolBuildPhase.Embedding) progress.Report(new BenchmarkStep(stage, 0, settings.Adapters, $"embedding {p.Done}/{p.Total}"));
        });
        var cached = PoolCache.GetOrBuild(modelPath, PoolData(splits, settings), buildSettings, new PoolBuildRun { Progress = report, Cancellation = cancellation }, cacheFolder);
        progress?.Report(new BenchmarkStep(stage, settings.Adapters, settings.Adapters, cached.Built is null ? "cached" : "built"));
        var pool = cached.Pool;
        return new BuiltPool(pool, new BenchmarkPool(rank, cached.Path, pool.Provenance.GetValueOrDefault("settings_sha256", ""), pool.AdapterNames,
            cached.Built?.Clusters, cached.Built?.Elapsed, pool.Provenance));
    }

    internal static Dictionary<string, LoraAdapter> TrainOracles(string modelPath, PoolModel identity, IReadOnlyList<TaskSplit> splits, CustomizeBenchmarkSettings settings,
        int rank, IProgress<BenchmarkStep>? progress, string? cacheFolder, CancellationToken cancellation)
    {
        var options = TrainingFor(settings, rank);
        var adapters = ForEachTask(splits, settings.Jobs, $"oracles r{rank}", progress, cancellation, split =>
            OracleAdapters.GetOrTrain(modelPath, identity, split.Name, split.OracleTraining(settings.OracleCap, settings.Seed), rank, options, cacheFolder,
                cancellation: cancellation).Adapter);
        return splits.Select((s, i) => (s.Name, adapters[i])).ToDictionary(p => p.Name, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>Runs <paramref name="work"/> for every split on up to <paramref name="jobs"/> threads; results in split order.</summary>
    internal static T[] ForEachTask<T>(IReadOnlyList<TaskSplit> splits, int jobs, string stage, IProgress<BenchmarkStep>? progress,
        CancellationToken cancellation, Func<TaskSplit, T> work)
    {
        var results = new T[splits.Count];
        var done = 0;
        progress?.Report(new BenchmarkStep(stage, 0, splits.Count));
        try
        {
            Parallel.For(0, splits.Count, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancellation }, i =>
            {
                results[i] = work(splits[i]);
                progress?.Report(new BenchmarkStep(stage, Interlocked.Increment(ref done), splits.Count, splits[i].Name));
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count >= 1)
        {
            // The first task's own error, not "one or more errors occurred".
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
        return results;
    }
}
