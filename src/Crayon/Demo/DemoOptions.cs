using Crayon.Customization;
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
    public int Questions { get; init; } = 4;

    public long Seed { get; init; } = 1;

    /// <summary>The model; null: stories260K, imported into .crayon/models on first use.</summary>
    public string? ModelPath { get; init; }

    /// <summary>Where pools are cached; null: .crayon/cache.</summary>
    public string? CacheFolder { get; init; }

    public CustomizerOptions Customizer { get; init; } = CustomizerOptions.Default;

    /// <summary>The pool's tasks: every stand-alone QA task of the benchmark.</summary>
    public IReadOnlyList<string> PoolTasks { get; init; } = TaskCatalog.StandardTasks;

    public int PoolAdapters { get; init; } = 8;
    public int PoolRank { get; init; } = 4;

    /// <summary>Train items per task in the pool's mixture.</summary>
    public int PoolItemsPerTask { get; init; } = 60;

    public int PoolEpochs { get; init; } = 1;

    /// <summary>Tokens per training window and per scored prompt.</summary>
    public int ContextTokens { get; init; } = 128;

    /// <summary>User examples held out of the pool for every task, so any task can be the demo's with K up to this.</summary>
    public const int MaxExamples = 64;

    internal void Validate()
    {
        if (Examples is < 1 or > MaxExamples) throw new ArgumentOutOfRangeException(nameof(Examples), Examples, $"the demo customizes from 1 to {MaxExamples} examples");
        if (Questions < 1) throw new ArgumentOutOfRangeException(nameof(Questions), Questions, "answer at least one question");
        if (!PoolTasks.Contains(Task, StringComparer.Ordinal))
            throw new ArgumentException($"the demo's task must be one of the pool's tasks ({string.Join(", ", PoolTasks)}), not '{Task}'");
    }
}
