namespace Crayon.Tasks;

/// <summary>
/// Seeded, deterministic draws for the customization benchmark. Every draw takes its own sub-seed
/// from (seed, purpose, task name), so adding a task or changing K never changes another draw.
/// User examples come only from the train split, after the <see cref="LeakageGuard"/> removed
/// anything that matches the test split.
/// </summary>
public static class TaskSampler
{
    /// <summary>The default cap on evaluated test items per task.</summary>
    public const int DefaultMaxTestItems = 500;

    /// <summary>The default cap on each task's share of the pool's training mixture.</summary>
    public const int DefaultMixturePerTaskCap = 1000;

    /// <summary>
    /// Up to <paramref name="maxItems"/> test items, a seeded subset kept in source order; all of them
    /// when the split is smaller.
    /// </summary>
    public static IReadOnlyList<QaItem> TestItems(QaTaskData task, long seed, int maxItems = DefaultMaxTestItems)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        return Subset(task.Test, maxItems, SeededRandom.Derive(seed, "test:" + task.Task.Name));
    }

    /// <summary>
    /// The user's <paramref name="k"/> customization examples: the first k of one seeded permutation
    /// of the task's leak-free train split. The same seed therefore gives nested sets
    /// (K=8 is inside K=32 is inside K=128), so a metric-vs-K curve changes only K.
    /// </summary>
    /// <param name="guard">Held-out items to exclude; default: the task's own test split.</param>
    /// <exception cref="ArgumentOutOfRangeException">k is not positive or exceeds the usable train items.</exception>
    public static IReadOnlyList<QaItem> UserExamples(QaTaskData task, int k, long seed, LeakageGuard? guard = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        var usable = (guard ?? LeakageGuard.ForTask(task)).Filter(task.Train, out _);
        if (k > usable.Count)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"task {task.Task.Name} has only {usable.Count} usable train items (after removing test leaks), fewer than K = {k}");
        var order = new SeededRandom(SeededRandom.Derive(seed, "user:" + task.Task.Name)).Permutation(usable.Count);
        return order.Take(k).Select(i => usable[i]).ToArray();
    }

    /// <summary>
    /// The pool's training mixture: from each task at most <paramref name="perTaskCap"/> leak-free
    /// train items (a seeded subset, so large tasks such as winogrande do not drown small ones),
    /// all shuffled together with the seed.
    /// </summary>
    /// <param name="guard">Held-out items to exclude; default: the test splits of all <paramref name="tasks"/>.</param>
    public static IReadOnlyList<QaItem> TrainingMixture(IReadOnlyList<QaTaskData> tasks, long seed, int perTaskCap = DefaultMixturePerTaskCap, LeakageGuard? guard = null)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perTaskCap);
        if (tasks.Count == 0) throw new ArgumentException("the training mixture needs at least one task", nameof(tasks));
        var duplicate = tasks.GroupBy(t => t.Task.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"task {duplicate.Key} is listed twice in the mixture", nameof(tasks));
        guard ??= LeakageGuard.ForTasks(tasks);
        var mixture = new List<QaItem>();
        foreach (var task in tasks)
            mixture.AddRange(Subset(guard.Filter(task.Train, out _), perTaskCap, SeededRandom.Derive(seed, "mixture:" + task.Task.Name)));
        var shuffled = mixture.ToArray();
        new SeededRandom(SeededRandom.Derive(seed, "mixture-order")).Shuffle(shuffled.AsSpan());
        return shuffled;
    }

    private static IReadOnlyList<QaItem> Subset(IReadOnlyList<QaItem> items, int max, long seed)
    {
        if (items.Count <= max) return items.ToArray();
        var picked = new SeededRandom(seed).Permutation(items.Count).Take(max).Order().ToArray();
        return picked.Select(i => items[i]).ToArray();
    }
}
