using Crayon.Customization;
using Crayon.Hybrid.ServerModel;
using Crayon.Pool;
using Crayon.Routing;
using Crayon.Tasks;

namespace Crayon.Demo;

/// <summary>
/// What `crayon demo` does: which task the user customizes to, with how many examples, how many questions it answers,
/// and the small pool it builds once (seconds to minutes on 2 cores) and then reuses from the cache.
/// </summary>
public sealed record DemoOptions
{
    /// <summary>The user's task (one of the shared QA tasks).</summary>
    public string Task { get; init; } = "siqa";

    /// <summary>K: the user's examples, from the task's train split.</summary>
    public int Examples { get; init; } = 16;

    /// <summary>Test questions answered with and without the customized adapter.</summary>
    public int Questions { get; init; } = 6;

    public long Seed { get; init; } = 1;

    /// <summary>Out-of-scope questions (MMLU) mixed with the task's own in the hybrid step.</summary>
    public int OutOfScopeQuestions { get; init; } = 6;

    /// <summary>The MMLU subjects the out-of-scope questions come from.</summary>
    public IReadOnlyList<string> OutOfScope { get; init; } = ["mmlu/high_school_biology", "mmlu/world_religions", "mmlu/marketing", "mmlu/prehistory", "mmlu/nutrition", "mmlu/high_school_geography"];

    /// <summary>How the hybrid step decides (confidence and similarity are measured and shown either way).</summary>
    public RoutingPolicy Policy { get; init; } = RoutingPolicy.Similarity;

    /// <summary>The routing knob: the share of queries like the user's examples that would go to the server.</summary>
    public double RoutingRatio { get; init; } = 0.2;

    /// <summary>How the server model is made when <see cref="ServerModelPath"/> is not given (the quick recipe fits the demo's minutes).</summary>
    public ServerModelRecipe ServerRecipe { get; init; } = ServerModelRecipe.Quick;

    /// <summary>The server's model; null: the device model fine-tuned by <see cref="ServerRecipe"/>, built once and cached.</summary>
    public string? ServerModelPath { get; init; }

    /// <summary>Train items per pool task for the routing similarity's center (the mean hidden state of text in general).</summary>
    public int CenterItemsPerTask { get; init; } = 25;

    /// <summary>The model; null: stories260K, imported into .crayon/models on first use.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Where pools are cached; null: .crayon/cache.</summary>
    public string? CacheFolder { get; init; }

    public CustomizerOptions Customizer { get; init; } = CustomizerOptions.Default;

    /// <summary>
    /// The pool: the standard one (every stand-alone QA task, 8 rank-4 adapters) by default. Its context length, seed
    /// and signal are the demo's own (<see cref="ContextTokens"/>, <see cref="Seed"/>, the customizer's signal).
    /// </summary>
    public StandardPool Pool { get; init; } = new();

    /// <summary>Tokens per training window and per scored prompt.</summary>
    public int ContextTokens { get; init; } = 128;

    /// <summary>User examples held out of the pool for every task, so any task can be the demo's with K up to this.</summary>
    public const int MaxExamples = StandardPool.HeldOutExamples;

    internal void Validate()
    {
        if (Examples is < 2 or > MaxExamples) throw new ArgumentOutOfRangeException(nameof(Examples), Examples, $"the demo customizes from 2 to {MaxExamples} examples (the router calibrates on them leave-one-out)");
        if (Questions < 1) throw new ArgumentOutOfRangeException(nameof(Questions), Questions, "answer at least one question");
        if (OutOfScopeQuestions < 0) throw new ArgumentOutOfRangeException(nameof(OutOfScopeQuestions), OutOfScopeQuestions, "must not be negative");
        if (OutOfScopeQuestions > 0 && OutOfScope.Count == 0) throw new ArgumentException("out-of-scope questions need at least one MMLU subject");
        if (!(RoutingRatio >= 0 && RoutingRatio <= 1)) throw new ArgumentOutOfRangeException(nameof(RoutingRatio), RoutingRatio, "the routing ratio lies in [0, 1]");
        // Checked here, not first by the Customizer: that would refuse it only after the pool's minutes of building.
        if (Customizer.Alpha.TopK > Pool.Adapters)
            throw new ArgumentException($"top-k {Customizer.Alpha.TopK} is more than the demo pool's {Pool.Adapters} adapters; give 1 to {Pool.Adapters}, or 0 for all");
        if (!Pool.Tasks.Contains(Task, StringComparer.Ordinal))
            throw new ArgumentException($"the demo's task must be one of the pool's tasks ({string.Join(", ", Pool.Tasks)}), not '{Task}'");
    }
}
