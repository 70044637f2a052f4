using Crayon.Tasks;

namespace Crayon.Benchmarking.Customize;

/// <summary>
/// How the customization benchmark divides one task, so nothing tuned or trained ever sees a test item:
/// <list type="bullet">
/// <item>test: up to N seeded items of the test split, where every method is scored;</item>
/// <item>validation: a seeded share of the leak-free train split (at most a fifth), where defaults are tuned (ablations);</item>
/// <item>user: the user's examples, the first K of one seeded order of the rest (nested over K), never in the pool's data;</item>
/// <item>server: what remains, from which the pool's training mixture draws.</item>
/// </list>
/// The oracle trains on user ∪ server: the task's whole train split except validation.
/// </summary>
public sealed record TaskSplit(QaTaskData Data, IReadOnlyList<QaItem> Test, IReadOnlyList<QaItem> Validation, IReadOnlyList<QaItem> User, IReadOnlyList<QaItem> Server)
{
    public string Name => Data.Task.Name;

    /// <summary>Held out from the pool: test, validation and the user's examples.</summary>
    public IEnumerable<QaItem> HeldOutFromPool => Data.Test.Concat(Validation).Concat(User);

    /// <summary>True when the user's share holds at least <paramref name="k"/> examples.</summary>
    public bool Supports(int k) => k <= User.Count;

    /// <summary>The user's first <paramref name="k"/> examples.</summary>
    public IReadOnlyList<QaItem> UserExamples(int k)
    {
        if (!Supports(k)) throw new ArgumentOutOfRangeException(nameof(k), k, $"task {Name} has only {User.Count} user examples (its train split is small)");
        return User.Take(k).ToArray();
    }

    /// <summary>The oracle's training items: user ∪ server, a seeded subset of at most <paramref name="cap"/>.</summary>
    public IReadOnlyList<QaItem> OracleTraining(int? cap, long seed)
    {
        var all = User.Concat(Server).ToArray();
        if (cap is not { } max || all.Length <= max) return all;
        return new SeededRandom(SeededRandom.Derive(seed, "oracle:" + Name)).Permutation(all.Length).Take(max).Order().Select(i => all[i]).ToArray();
    }

    /// <summary>Divides <paramref name="data"/>; <paramref name="maxK"/> user examples are reserved (fewer when the split is small).</summary>
    public static TaskSplit Carve(QaTaskData data, int maxK, int validationCap, int testItems, long seed)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxK);
        ArgumentOutOfRangeException.ThrowIfNegative(validationCap);
        var usable = LeakageGuard.ForTask(data).Filter(data.Train, out _);
        var validationCount = Math.Min(validationCap, usable.Count / 5);
        var picked = new SeededRandom(SeededRandom.Derive(seed, "validation:" + data.Task.Name)).Permutation(usable.Count).Take(validationCount).ToHashSet();
        var validation = Enumerable.Range(0, usable.Count).Where(picked.Contains).Select(i => usable[i]).ToArray();
        var guard = new LeakageGuard(data.Test.Concat(validation));
        var rest = guard.Filter(data.Train, out _);
        var user = rest.Count == 0 ? [] : TaskSampler.UserExamples(data, Math.Min(maxK, rest.Count), seed, guard);
        var userIds = user.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        var server = rest.Where(i => !userIds.Contains(i.Id)).ToArray();
        return new TaskSplit(data, TaskSampler.TestItems(data, seed, testItems), validation, user, server);
    }
}
