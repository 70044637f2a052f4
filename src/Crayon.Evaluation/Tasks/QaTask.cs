namespace Crayon.Tasks;

/// <summary>
/// A customized task on disk: qa/&lt;Name&gt;/train.jsonl and test.jsonl. <see cref="Name"/> is the
/// folder path under qa/ with '/' separators ("siqa", "mmlu/anatomy"), which is also every item's "task".
/// </summary>
public sealed record QaTask(string Name, string TrainPath, string TestPath)
{
    /// <summary>The MMLU subjects live under qa/mmlu/; their family is "mmlu", every other task is its own family.</summary>
    public string Family => Name.Contains('/') ? Name[..Name.IndexOf('/')] : Name;

    /// <summary>Reads both splits, checking every item's task field against <see cref="Name"/>.</summary>
    public QaTaskData Load(QaReaderLimits? limits = null) =>
        new(this, QaJsonlReader.ReadFile(TrainPath, limits, Name), QaJsonlReader.ReadFile(TestPath, limits, Name));
}

/// <summary>A task with both splits in memory.</summary>
public sealed record QaTaskData(QaTask Task, IReadOnlyList<QaItem> Train, IReadOnlyList<QaItem> Test);
