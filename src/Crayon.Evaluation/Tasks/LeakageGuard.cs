namespace Crayon.Tasks;

/// <summary>
/// Keeps held-out (test) items out of anything used for training or customization. An item leaks
/// when it has the id of a held-out item of the same task, or the identical text of any held-out
/// item: same context, same question and the same set of choices (compared ordinally; choice order
/// ignored, so a shuffled copy is still caught). The shared data has a few such pairs (mmlu 13,
/// arc_easy 2, piqa 1), listed in shared/data/README.md.
/// </summary>
public sealed class LeakageGuard
{
    private readonly Dictionary<(string Task, string Id), QaItem> _ids = new();
    private readonly Dictionary<string, QaItem> _texts = new(StringComparer.Ordinal);

    /// <summary>Guards against every item of <paramref name="heldOut"/>.</summary>
    public LeakageGuard(IEnumerable<QaItem> heldOut)
    {
        ArgumentNullException.ThrowIfNull(heldOut);
        foreach (var item in heldOut)
        {
            _ids.TryAdd((item.Task, item.Id), item);
            _texts.TryAdd(TextKey(item), item);
        }
    }

    /// <summary>A guard for one task: its test split is held out.</summary>
    public static LeakageGuard ForTask(QaTaskData task) => new(task.Test);

    /// <summary>A guard for several tasks at once: all their test splits are held out.</summary>
    public static LeakageGuard ForTasks(IEnumerable<QaTaskData> tasks) => new(tasks.SelectMany(t => t.Test));

    /// <summary>How many held-out items the guard knows.</summary>
    public int HeldOutCount => _ids.Count;

    /// <summary>Why <paramref name="candidate"/> leaks, or null when it is clean.</summary>
    public string? Reason(QaItem candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (_ids.TryGetValue((candidate.Task, candidate.Id), out var sameId))
            return $"'{candidate.Id}' has the id of held-out item '{sameId.Id}' of {sameId.Task}";
        if (_texts.TryGetValue(TextKey(candidate), out var sameText))
            return $"'{candidate.Id}' has the same text as held-out item '{sameText.Id}' of {sameText.Task}";
        return null;
    }

    /// <summary>True when <paramref name="candidate"/> matches a held-out item by id or text.</summary>
    public bool Leaks(QaItem candidate) => Reason(candidate) is not null;

    /// <summary>The items that do not leak, in their original order; <paramref name="removed"/> lists the others with the reason.</summary>
    public IReadOnlyList<QaItem> Filter(IEnumerable<QaItem> items, out IReadOnlyList<(QaItem Item, string Reason)> removed)
    {
        ArgumentNullException.ThrowIfNull(items);
        var kept = new List<QaItem>();
        var dropped = new List<(QaItem, string)>();
        foreach (var item in items)
        {
            if (Reason(item) is { } reason) dropped.Add((item, reason));
            else kept.Add(item);
        }
        removed = dropped;
        return kept;
    }

    // Unit separators cannot occur in a meaningful way inside the text, and the length prefixes make
    // the key unambiguous even if they did.
    private static string TextKey(QaItem item)
    {
        var choices = item.Choices.Order(StringComparer.Ordinal);
        var parts = new[] { item.Context ?? "", item.Question }.Concat(choices);
        return string.Join('\u001f', parts.Select(p => $"{p.Length}:{p}"));
    }
}
