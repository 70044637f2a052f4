namespace Crayon.Tasks;

/// <summary>
/// One multiple-choice question of a customized task, as stored in qa/&lt;task&gt;/{train,test}.jsonl.
/// Choices may repeat the same string (csqa, siqa, obqa and mmlu do), so an answer is always an index,
/// never a string.
/// </summary>
public sealed record QaItem
{
    /// <summary>Builds an item and checks the invariants every consumer relies on.</summary>
    /// <exception cref="ArgumentException">an empty id or task, fewer than two choices, or an answer index out of range.</exception>
    public QaItem(string id, string task, string question, IReadOnlyList<string> choices, int answer, string? context = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        ArgumentNullException.ThrowIfNull(question);
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Count < 2)
            throw new ArgumentException($"item '{id}' has {choices.Count} choice(s); a multiple-choice item needs at least 2", nameof(choices));
        for (var i = 0; i < choices.Count; i++)
            if (choices[i] is null) throw new ArgumentException($"item '{id}' choice {i} is null", nameof(choices));
        if (answer < 0 || answer >= choices.Count)
            throw new ArgumentOutOfRangeException(nameof(answer), answer, $"item '{id}' answer index {answer} is outside 0..{choices.Count - 1}");
        Id = id;
        Task = task;
        Question = question;
        Choices = choices.ToArray();
        Answer = answer;
        Context = context;
    }

    /// <summary>Unique within a task across its train and test splits.</summary>
    public string Id { get; }

    /// <summary>The task's folder path under qa/, e.g. "siqa" or "mmlu/anatomy".</summary>
    public string Task { get; }

    /// <summary>The question, or for winogrande the sentence with its "_" blank.</summary>
    public string Question { get; }

    /// <summary>The candidate answers (at least two, possibly repeating).</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <summary>The 0-based index of the gold choice.</summary>
    public int Answer { get; }

    /// <summary>The situation (siqa) or passage (boolq); null for tasks without one.</summary>
    public string? Context { get; }

    /// <summary>The gold choice's text.</summary>
    public string AnswerText => Choices[Answer];

    /// <summary>Value equality, comparing the choices element by element (a record would compare the list reference).</summary>
    public bool Equals(QaItem? other) =>
        other is not null && Id == other.Id && Task == other.Task && Question == other.Question && Answer == other.Answer
        && Context == other.Context && Choices.SequenceEqual(other.Choices, StringComparer.Ordinal);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Id, Task, Question, Answer, Context, Choices.Count);
}
