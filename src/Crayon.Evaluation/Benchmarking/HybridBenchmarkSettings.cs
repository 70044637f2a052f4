using Crayon.Llama;
using Crayon.Routing;
using Crayon.Tasks;

namespace Crayon.Benchmarking;

/// <summary>
/// What `crayon bench hybrid` measures: for each customized task, the device customized from K of the
/// task's train examples answers (a) the task's test items and (b) those items mixed with MMLU items
/// as out-of-scope queries; the server answers all of them; curves of accuracy against routing ratio
/// come from each policy's ranking of the queries.
/// </summary>
public sealed record HybridBenchmarkSettings
{
    /// <summary>The customized tasks (folders under qa/).</summary>
    public IReadOnlyList<string> Tasks { get; init; } = TaskCatalog.StandardTasks;

    /// <summary>MMLU subjects whose test items are the out-of-scope queries of the mixed set.</summary>
    public IReadOnlyList<string> OutOfScope { get; init; } =
        ["mmlu/high_school_biology", "mmlu/world_religions", "mmlu/high_school_geography", "mmlu/nutrition", "mmlu/marketing", "mmlu/prehistory"];

    /// <summary>Test items per customized task (a seeded subset).</summary>
    public int ItemsPerTask { get; init; } = 100;

    /// <summary>Test items per out-of-scope subject.</summary>
    public int ItemsPerOutOfScope { get; init; } = 20;

    /// <summary>The user's examples per task (from its train split): q_c, the customization and the router's calibration.</summary>
    public int K { get; init; } = 32;

    public long Seed { get; init; } = 1;

    /// <summary>The embedding q_c is given to the customizer in (must match the pool's when a pool customizes).</summary>
    public EmbeddingSignal Signal { get; init; } = EmbeddingSignal.Query;

    /// <summary>The embedding routing compares queries with q_c in (independent of the customization's).</summary>
    public EmbeddingSignal RoutingSignal { get; init; } = EmbeddingSignal.Hidden;

    /// <summary>
    /// Center routing similarities on the mean embedding of a reference mixture (<see cref="ReferencePerTask"/> train items
    /// of each standard task, minus any test leaks). Measured on stories260K (arc_easy, obqa, siqa, boolq, piqa from K = 16,
    /// 50 test items each, against 75 items of 3 MMLU subjects): the mean AUC of in-scope over out-of-scope similarity was
    /// 0.60 for the raw query signal, 0.69 for the raw hidden state and 0.81 for the centered hidden state.
    /// </summary>
    public bool CenterRouting { get; init; } = true;

    /// <summary>Reference items per standard task for the center.</summary>
    public int ReferencePerTask { get; init; } = 25;

    public IReadOnlyList<double> Ratios { get; init; } = RoutingCurve.Ratios(10);

    /// <summary>Policies drawn as curves; random is averaged over <see cref="RandomDraws"/> seeds.</summary>
    public IReadOnlyList<RoutingPolicy> Policies { get; init; } = [RoutingPolicy.Similarity, RoutingPolicy.Confidence, RoutingPolicy.Combined, RoutingPolicy.Random];

    public int RandomDraws { get; init; } = 20;

    /// <summary>
    /// The --quick configuration: 3 tasks × 50 items, 3 MMLU subjects × 25, K = 16 (measured on 2 cores: 29 s with the pool and the
    /// quick server model cached; a cold cache adds about 15 s for the pool and 30 s for the server model).
    /// </summary>
    public static HybridBenchmarkSettings Quick { get; } = new()
    {
        Tasks = ["arc_easy", "obqa", "siqa"],
        OutOfScope = ["mmlu/high_school_biology", "mmlu/world_religions", "mmlu/high_school_geography"],
        ItemsPerTask = 50,
        ItemsPerOutOfScope = 25,
        K = 16,
    };

    internal void Validate()
    {
        if (Tasks.Count == 0) throw new ArgumentException("the hybrid benchmark needs at least one customized task");
        if (OutOfScope.Count == 0) throw new ArgumentException("the mixed set needs at least one out-of-scope subject");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ItemsPerTask);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ItemsPerOutOfScope);
        ArgumentOutOfRangeException.ThrowIfLessThan(K, 2, nameof(K)); // leave-one-out calibration needs two examples
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(RandomDraws);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ReferencePerTask);
        if (Policies.Count == 0) throw new ArgumentException("no routing policy to draw");
        foreach (var task in Tasks)
            if (OutOfScope.Contains(task)) throw new ArgumentException($"task '{task}' is both customized and out of scope");
    }
}
