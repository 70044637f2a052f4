using System.Globalization;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Tasks;

namespace Crayon.Benchmarking.Customize;

/// <summary>
/// What `crayon bench customize` measures. <see cref="Quick"/> is the configuration that must finish in under
/// ten minutes on a 2-core machine from a cold cache; <see cref="Full"/> the one recorded in benchmarks/results.
/// </summary>
public sealed record CustomizeBenchmarkSettings
{
    /// <summary>The MMLU subjects of the quick run: the ones whose train split leaves a pool share after 32 user examples.</summary>
    public static IReadOnlyList<string> QuickMmluSubjects { get; } =
        ["mmlu/high_school_psychology", "mmlu/miscellaneous", "mmlu/moral_scenarios", "mmlu/professional_law"];

    /// <summary>The MMLU subjects of the full run: the ten with the largest train splits (43-175 items).</summary>
    public static IReadOnlyList<string> FullMmluSubjects { get; } =
    [
        "mmlu/elementary_mathematics", "mmlu/high_school_macroeconomics", "mmlu/high_school_psychology", "mmlu/miscellaneous",
        "mmlu/moral_disputes", "mmlu/moral_scenarios", "mmlu/philosophy", "mmlu/prehistory", "mmlu/professional_law", "mmlu/professional_psychology",
    ];

    /// <summary>Customized tasks, in table order.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = [.. TaskCatalog.StandardTasks, .. FullMmluSubjects];

    /// <summary>Customization-set sizes (the user's examples).</summary>
    public IReadOnlyList<int> Ks { get; init; } = [8, 32, 128];

    /// <summary>Pool ranks; one pool (and one set of oracles) per rank.</summary>
    public IReadOnlyList<int> Ranks { get; init; } = [8];

    /// <summary>The rank the alpha figure and the K curves use (the first of <see cref="Ranks"/> by default).</summary>
    public int MainRank => Ranks[0];

    /// <summary>N: base adapters in the pool.</summary>
    public int Adapters { get; init; } = 16;

    /// <summary>Most train items each task contributes to the pool's mixture.</summary>
    public int PerTaskCap { get; init; } = 300;

    /// <summary>Most validation items carved from each task's train split (for ablations).</summary>
    public int ValidationCap { get; init; } = 100;

    /// <summary>Test items scored per task (seeded subset).</summary>
    public int TestItems { get; init; } = TaskSampler.DefaultMaxTestItems;

    /// <summary>Most train items the oracle adapter trains on; null: the whole split (less validation).</summary>
    public int? OracleCap { get; init; } = 1000;

    /// <summary>Training epochs of pool and oracle adapters; null: the measured default for the rank.</summary>
    public int? Epochs { get; init; }

    /// <summary>The LoraHub-style search's budget of blends, each scored on the K user examples.</summary>
    public int SearchEvaluations { get; init; } = 40;

    public AlphaOptions Alpha { get; init; } = CustomizerOptions.Default.Alpha;
    public CustomizationMode Mode { get; init; } = CustomizerOptions.Default.Mode;
    public ExampleAggregation Aggregation { get; init; } = CustomizerOptions.Default.Aggregation;
    public EmbeddingSignal Signal { get; init; } = Pool.Building.PoolBuildSettings.DefaultSignal;

    /// <summary>Compare embeddings after subtracting the pool's mean embedding (<see cref="Pool.AdapterPoolArtifact.EmbeddingCenter"/>).</summary>
    public bool Center { get; init; } = true;

    public int MinClusterExamples { get; init; } = 32;

    /// <summary>
    /// Tokens of prompt and answer: the training window of pool and oracle adapters, and the budget test prompts are cut
    /// to (from the left, keeping the question).
    /// </summary>
    public int ContextLength { get; init; } = 256;

    /// <summary>
    /// The scoring context: room for the cut prompt and a whole answer choice, which is never cut (some piqa solutions
    /// run past 250 tokens), and never less than stories260K's 512.
    /// </summary>
    public int ScoringContextLength => Math.Max(4 * ContextLength, 512);

    public long Seed { get; init; } = 1;

    /// <summary>
    /// Leave-tasks-out mode: these tasks (a subset of <see cref="Tasks"/>) get no item in the pool's data, so the pool has
    /// never seen them, and only they are evaluated (base, uniform, best single and guarded Crayon; no search or oracle).
    /// Empty: every task is in the pool and evaluated.
    /// </summary>
    public IReadOnlyList<string> LeaveOut { get; init; } = [];

    /// <summary>True in leave-tasks-out mode.</summary>
    public bool LeavesTasksOut => LeaveOut.Count > 0;

    /// <summary>The tasks whose data the pool trains on: all of them less <see cref="LeaveOut"/>.</summary>
    public IReadOnlyList<string> PoolTasks => Tasks.Where(t => !LeaveOut.Contains(t, StringComparer.Ordinal)).ToArray();

    /// <summary>
    /// <paramref name="count"/> of the standard QA tasks among <see cref="Tasks"/>, drawn with <see cref="Seed"/>, in table
    /// order: the held-out set of `--leave-out N`, fixed by the seed before anything is measured (not picked by result).
    /// </summary>
    public IReadOnlyList<string> DrawLeaveOut(int count)
    {
        var candidates = Tasks.Where(t => TaskCatalog.StandardTasks.Contains(t, StringComparer.Ordinal)).ToArray();
        if (count < 1 || count >= candidates.Length)
            throw new ArgumentOutOfRangeException(nameof(count), count, $"leave out between 1 and {candidates.Length - 1} of the {candidates.Length} standard tasks in the run");
        var picked = new SeededRandom(SeededRandom.Derive(Seed, "leave-out")).Permutation(candidates.Length).Take(count).ToHashSet();
        return candidates.Where((_, i) => picked.Contains(i)).ToArray();
    }

    /// <summary>Tasks evaluated in parallel, each on one thread.</summary>
    public int Jobs { get; init; } = 1;

    public static CustomizeBenchmarkSettings Full { get; } = new();

    /// <summary>
    /// 12 tasks (8 QA + 4 MMLU), K = 32, rank 4, N = 12, 100 pool items and 100 test items per task, 1 epoch, oracle on 200 items,
    /// search of 24 blends, prompts of 128 tokens, 2 tasks at a time.
    /// </summary>
    public static CustomizeBenchmarkSettings Quick { get; } = new()
    {
        Tasks = [.. TaskCatalog.StandardTasks, .. QuickMmluSubjects],
        Ks = [32],
        Ranks = [4],
        Adapters = 12,
        PerTaskCap = 100,
        ValidationCap = 50,
        TestItems = 100,
        OracleCap = 200,
        Epochs = 1,
        SearchEvaluations = 24,
        ContextLength = 128,
        Jobs = 2,
    };

    internal void Validate()
    {
        if (Tasks.Count == 0) throw new ArgumentException("the benchmark needs at least one task");
        if (Tasks.Distinct(StringComparer.Ordinal).Count() != Tasks.Count) throw new ArgumentException("a task is listed twice");
        if (Ks.Count == 0 || Ks.Any(k => k < 1)) throw new ArgumentException("K values must be positive");
        if (Ranks.Count == 0 || Ranks.Any(r => r < 1)) throw new ArgumentException("ranks must be positive");
        if (Adapters < 1) throw new ArgumentException("the pool needs at least one adapter");
        if (PerTaskCap < 1 || TestItems < 1 || SearchEvaluations < 1 || Jobs < 1 || ContextLength < 64)
            throw new ArgumentException("per-task cap, test items, search evaluations and jobs must be positive, and the context at least 64 tokens");
        if (Epochs is < 1) throw new ArgumentException("epochs must be positive");
        if (OracleCap is < 1) throw new ArgumentException("the oracle cap must be positive");
        if (LeaveOut.FirstOrDefault(t => !Tasks.Contains(t, StringComparer.Ordinal)) is { } stranger)
            throw new ArgumentException($"left-out task {stranger} is not one of the run's tasks ({string.Join(", ", Tasks)})");
        if (LeaveOut.Distinct(StringComparer.Ordinal).Count() != LeaveOut.Count) throw new ArgumentException("a left-out task is listed twice");
        if (LeavesTasksOut && PoolTasks.Count == 0) throw new ArgumentException("every task is left out: the pool would have no data");
    }

    /// <summary>The settings as strings for the JSON report (no timestamps, so equal settings write equal bytes).</summary>
    public SortedDictionary<string, string> Describe(string model)
    {
        string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["model"] = model,
            ["tasks"] = string.Join(",", Tasks),
            ["k"] = string.Join(",", Ks),
            ["ranks"] = string.Join(",", Ranks),
            ["adapters"] = I($"{Adapters}"),
            ["per_task_cap"] = I($"{PerTaskCap}"),
            ["validation_cap"] = I($"{ValidationCap}"),
            ["test_items"] = I($"{TestItems}"),
            ["oracle_cap"] = OracleCap?.ToString(CultureInfo.InvariantCulture) ?? "all",
            ["epochs"] = Epochs?.ToString(CultureInfo.InvariantCulture) ?? "default for the rank",
            ["search_evaluations"] = I($"{SearchEvaluations}"),
            ["tau"] = Alpha.Temperature.ToString("R", CultureInfo.InvariantCulture),
            ["top_k"] = Alpha.TopK?.ToString(CultureInfo.InvariantCulture) ?? "all",
            ["hub_correction"] = HubName(Alpha.Hub),
            ["mode"] = Mode.ToString().ToLowerInvariant(),
            ["aggregation"] = Aggregation == ExampleAggregation.MeanAlpha ? "mean alpha" : "mean embedding",
            ["signal"] = Signal.ToString().ToLowerInvariant(),
            ["centered"] = Center ? "yes" : "no",
            ["min_cluster_examples"] = I($"{MinClusterExamples}"),
            ["context_tokens"] = I($"{ContextLength}"),
            ["seed"] = I($"{Seed}"),
            ["left_out"] = LeavesTasksOut ? string.Join(",", LeaveOut) : "none",
        };
    }

    /// <summary>none, centroid-mean, centroid-zscore: the spelling of --hub.</summary>
    public static string HubName(HubCorrection hub) => hub switch
    {
        HubCorrection.None => "none",
        HubCorrection.CentroidMean => "centroid-mean",
        HubCorrection.CentroidZScore => "centroid-zscore",
        _ => throw new ArgumentOutOfRangeException(nameof(hub), hub, "unknown hub correction"),
    };
}
