using System.Diagnostics;
using System.Globalization;
using Crayon.Adapters;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Training;

namespace Crayon.Pool.Building;

/// <summary>How a build runs (not what it builds: that is <see cref="PoolBuildSettings"/>).</summary>
public sealed record PoolBuildRun
{
    /// <summary>Continue from the work folder of an interrupted build with the same settings.</summary>
    public bool Resume { get; init; }

    public IProgress<PoolBuildProgress>? Progress { get; init; }

    public CancellationToken Cancellation { get; init; }
}

/// <summary>What a build made.</summary>
/// <param name="ResumedAdapters">Adapters taken from an interrupted build's work folder instead of being trained.</param>
public sealed record PoolBuildResult(AdapterPoolArtifact Pool, string SettingsHash, IReadOnlyList<ClusterSummary> Clusters, int ResumedAdapters, TimeSpan Elapsed);

/// <summary>One cluster: its size, its borrowed examples, and which tasks its examples come from.</summary>
public sealed record ClusterSummary(int Index, string Name, int Members, int TopUp, IReadOnlyList<(string Task, int Count)> Tasks)
{
    /// <summary>Share of the members that come from the most common task (1 = a pure cluster).</summary>
    public double Purity => Members == 0 ? 0 : (double)Tasks[0].Count / Members;
}

/// <summary>
/// Builds a Crayon adapter pool (the paper's section 1): embed every training example with the model itself,
/// cluster the embeddings (seeded k-means++, cosine), and train one rank-r LoRA per cluster on that cluster's
/// examples (<see cref="ClusterTrainingSets"/> for small clusters) with llama.cpp's training. Each centroid is its
/// adapter's indicator. Deterministic for a seed (one thread throughout), and resumable: finished adapters live in a
/// work folder next to the output until the pool file is written (<see cref="PoolBuildCheckpoint"/>).
/// Every base adapter starts from the same initial A (the pool's seed), so blends of their factors start from a shared basis.
/// </summary>
public static class PoolBuilder
{
    /// <summary>Builds the pool and writes it to <paramref name="outputPath"/> (atomically).</summary>
    /// <exception cref="PoolBuildException">a resume that does not match the work folder's settings.</exception>
    /// <exception cref="OperationCanceledException">the run was cancelled; finished adapters stay in the work folder.</exception>
    public static PoolBuildResult Build(string modelPath, PoolTrainingData data, PoolBuildSettings settings, string outputPath, PoolBuildRun? run = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputPath);
        run ??= new PoolBuildRun();
        settings.Validate(data.Examples.Count);
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"model file not found: {modelPath}", modelPath);
        var clock = Stopwatch.StartNew();
        var training = settings.EffectiveTraining;
        var identity = PoolModelIdentity.Of(modelPath);
        var hash = SettingsHash(identity, data, settings);
        var checkpoint = PoolBuildCheckpoint.Open(PoolBuildCheckpoint.FolderFor(outputPath), hash, settings.Canonical(), run.Resume);

        var raw = Embed(modelPath, data, settings.Signal, checkpoint, run);
        run.Cancellation.ThrowIfCancellationRequested();
        run.Progress?.Report(new PoolBuildProgress(PoolBuildPhase.Clustering, 0, 1));
        var center = settings.CenterEmbeddings ? MeanEmbedding.Of(raw) : null;
        var embeddings = center is null ? raw : raw.Select(e => Centered(e, center)).ToArray();
        var clusters = KMeans.Fit(embeddings, new KMeansOptions(settings.Adapters) { Seed = SeededRandom.Derive(settings.Seed, "pool k-means") });
        var sets = ClusterTrainingSets.Choose(embeddings, clusters, settings.MinClusterExamples);
        var summaries = sets.Select((s, i) => Summarize(i, s, data)).ToArray();
        run.Progress?.Report(new PoolBuildProgress(PoolBuildPhase.Clustering, 1, 1));

        var texts = data.TrainingTexts(training.WindowLength);
        var adapters = new LoraAdapter[sets.Count];
        var resumed = 0;
        for (var i = 0; i < sets.Count; i++)
        {
            run.Cancellation.ThrowIfCancellationRequested();
            var saved = checkpoint.ReadAdapter(i);
            if (saved is not null && saved.UniformRank == settings.Rank)
            {
                adapters[i] = saved;
                resumed++;
                run.Progress?.Report(new PoolBuildProgress(PoolBuildPhase.Training, i + 1, sets.Count, i, Resumed: true));
                continue;
            }
            var index = i;
            var stepProgress = run.Progress is null ? null
                : new InlineProgress<TrainingProgress>(p => run.Progress.Report(new PoolBuildProgress(PoolBuildPhase.Training, index, sets.Count, index, p)));
            var trained = AdapterTrainer.Train(modelPath, sets[i].All.Select(j => texts[j]).ToArray(), settings.Rank, training,
                AdapterRoute.TrainedFactors, stepProgress, run.Cancellation);
            adapters[i] = Named(trained.Adapter, summaries[i].Name);
            checkpoint.WriteAdapter(i, adapters[i]);
            run.Progress?.Report(new PoolBuildProgress(PoolBuildPhase.Training, i + 1, sets.Count, i));
        }

        run.Progress?.Report(new PoolBuildProgress(PoolBuildPhase.Writing, 0, 1));
        var pool = new AdapterPoolArtifact(new AdapterPool(adapters), clusters.Centroids, settings.Signal, identity,
            summaries.Select(s => s.Name).ToArray(), Provenance(data, settings, hash, clusters, summaries), center);
        AdapterPoolFile.Write(pool, outputPath);
        checkpoint.Delete();
        run.Progress?.Report(new PoolBuildProgress(PoolBuildPhase.Writing, 1, 1));
        return new PoolBuildResult(pool, hash, summaries, resumed, clock.Elapsed);
    }

    /// <summary>The hash naming a pool of these settings, data and model (what caches and the work folder are keyed by).</summary>
    public static string SettingsHash(PoolModel model, PoolTrainingData data, PoolBuildSettings settings)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        return PoolBuildSettings.Hash($"crayon pool build 1;model={model.Architecture}:{model.Fingerprint};{settings.Canonical()};" +
                                      $"query_budget={ExampleEmbedder.QueryBudget.MaxChars};data={data.Digest(settings.EffectiveTraining.WindowLength)}");
    }

    private static float[][] Embed(string modelPath, PoolTrainingData data, EmbeddingSignal signal, PoolBuildCheckpoint checkpoint, PoolBuildRun run)
    {
        using var model = LlamaModel.Load(modelPath, new LlamaModelOptions { Backend = LlamaBackend.Cpu });
        using var embedder = new ExampleEmbedder(model, signal);
        var total = data.Examples.Count;
        if (checkpoint.ReadEmbeddings(total, embedder.Dimension) is { } saved)
        {
            run.Progress?.Report(new PoolBuildProgress(PoolBuildPhase.Embedding, total, total, Resumed: true));
            return saved;
        }
        var progress = run.Progress is null ? null
            : new InlineProgress<int>(done => run.Progress.Report(new PoolBuildProgress(PoolBuildPhase.Embedding, done, total)));
        var embeddings = embedder.EmbedAll(data.EmbeddingTexts(), progress, run.Cancellation);
        checkpoint.WriteEmbeddings(embeddings);
        return embeddings;
    }

    private static float[] Centered(float[] embedding, float[] center)
    {
        var result = new float[embedding.Length];
        for (var i = 0; i < result.Length; i++) result[i] = embedding[i] - center[i];
        return result;
    }

    private static ClusterSummary Summarize(int index, ClusterTrainingSet set, PoolTrainingData data)
    {
        var tasks = set.Members.GroupBy(i => data.Examples[i].Group)
            .Select(g => (g.Key, g.Count())).OrderByDescending(t => t.Item2).ThenBy(t => t.Key, StringComparer.Ordinal).ToArray();
        return new ClusterSummary(index, $"c{index:00}-{tasks[0].Key}", set.Members.Count, set.TopUp.Count, tasks);
    }

    private static LoraAdapter Named(LoraAdapter adapter, string name) =>
        new(adapter.Architecture, adapter.Alpha, adapter.Pairs, new Dictionary<string, string>(adapter.Metadata) { ["general.name"] = name });

    private static Dictionary<string, string> Provenance(PoolTrainingData data, PoolBuildSettings settings, string hash, KMeansResult clusters,
        IReadOnlyList<ClusterSummary> summaries)
    {
        var t = settings.EffectiveTraining;
        string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["seed"] = Invariant($"{settings.Seed}"),
            ["data"] = string.Join("; ", data.Sources),
            ["examples"] = Invariant($"{data.Examples.Count}"),
            ["data_sha256"] = data.Digest(t.WindowLength),
            ["tasks"] = string.Join(" ", data.TaskCounts.Select(c => Invariant($"{c.Task}:{c.Count}"))),
            ["trainer"] = "LoRA factors trained by llama.cpp (ggml-opt), one per cluster, shared initial A",
            ["rank"] = Invariant($"{settings.Rank}"),
            ["epochs"] = Invariant($"{t.Epochs}"),
            ["learning_rate"] = t.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["schedule"] = t.Schedule.ToString(),
            ["window"] = Invariant($"{t.WindowLength}"),
            ["targets"] = t.Targets.ToString(),
            ["threads"] = Invariant($"{t.Threads}"),
            ["signal"] = settings.Signal.ToString().ToLowerInvariant(),
            ["centered"] = settings.CenterEmbeddings ? "yes: cosine similarity of embeddings minus the training examples' mean" : "no: cosine similarity of raw embeddings",
            ["query_budget_chars"] = Invariant($"{ExampleEmbedder.QueryBudget.MaxChars}"),
            ["min_cluster_examples"] = Invariant($"{settings.MinClusterExamples}"),
            ["kmeans"] = Invariant($"cosine k-means++, {clusters.Iterations} iterations, {(clusters.Converged ? "converged" : "not converged")}, inertia {clusters.Inertia:G6}"),
            ["cluster_sizes"] = string.Join(",", summaries.Select(s => s.Members.ToString(CultureInfo.InvariantCulture))),
            ["cluster_top_up"] = string.Join(",", summaries.Select(s => s.TopUp.ToString(CultureInfo.InvariantCulture))),
            ["cluster_tasks"] = string.Join("; ", summaries.Select(s => $"{s.Name}: " + string.Join(" ", s.Tasks.Select(x => Invariant($"{x.Task}:{x.Count}"))))),
            ["settings_sha256"] = hash,
        };
    }
}
