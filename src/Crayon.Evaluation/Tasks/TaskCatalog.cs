namespace Crayon.Tasks;

/// <summary>
/// The customized tasks found under &lt;data&gt;/qa: every folder (at most two levels deep, so
/// qa/mmlu/&lt;subject&gt; counts) that holds train.jsonl and test.jsonl. A folder holding only one of
/// the two is an error rather than a silently missing task.
/// </summary>
public sealed class TaskCatalog
{
    /// <summary>The eight stand-alone QA tasks of the benchmark, in the order the paper's tables use.</summary>
    public static IReadOnlyList<string> StandardTasks { get; } =
        ["siqa", "csqa", "obqa", "arc_easy", "arc_challenge", "piqa", "winogrande", "boolq"];

    private readonly Dictionary<string, QaTask> _byName;

    private TaskCatalog(string root, IReadOnlyList<QaTask> tasks)
    {
        Root = root;
        Tasks = tasks;
        _byName = tasks.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The qa/ folder that was scanned.</summary>
    public string Root { get; }

    /// <summary>All tasks, sorted by name (ordinal), so iteration order never depends on the file system.</summary>
    public IReadOnlyList<QaTask> Tasks { get; }

    /// <summary>The MMLU subjects (names "mmlu/&lt;subject&gt;").</summary>
    public IEnumerable<QaTask> MmluSubjects => Tasks.Where(t => t.Family == "mmlu" && t.Name != "mmlu");

    /// <summary>Scans <paramref name="dataDirectory"/>/qa (default: <see cref="DataDirectory.Resolve"/>).</summary>
    /// <exception cref="DirectoryNotFoundException">there is no qa/ folder.</exception>
    /// <exception cref="InvalidDataException">a task folder lacks one of its splits, or no task was found.</exception>
    public static TaskCatalog Open(string? dataDirectory = null)
    {
        var root = Path.Combine(dataDirectory ?? DataDirectory.Resolve(), "qa");
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"no QA folder at {root} (set {DataDirectory.EnvironmentVariable} to the shared data folder)");
        var tasks = new List<QaTask>();
        foreach (var dir in Directory.EnumerateDirectories(root))
        {
            AddIfTask(root, dir, tasks);
            foreach (var sub in Directory.EnumerateDirectories(dir)) AddIfTask(root, sub, tasks);
        }
        if (tasks.Count == 0) throw new InvalidDataException($"no task folders (with train.jsonl and test.jsonl) under {root}");
        tasks.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new TaskCatalog(root, tasks);
    }

    /// <summary>The task called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">no such task; the message lists the stand-alone tasks found.</exception>
    public QaTask Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_byName.TryGetValue(name, out var task)) return task;
        var known = string.Join(", ", Tasks.Where(t => t.Family != "mmlu").Select(t => t.Name));
        throw new KeyNotFoundException($"unknown task '{name}' in {Root}; known: {known}, and mmlu/<subject> for {MmluSubjects.Count()} subjects");
    }

    /// <summary>True when a task called <paramref name="name"/> was found.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    private static void AddIfTask(string root, string dir, List<QaTask> tasks)
    {
        var train = Path.Combine(dir, "train.jsonl");
        var test = Path.Combine(dir, "test.jsonl");
        bool hasTrain = File.Exists(train), hasTest = File.Exists(test);
        if (!hasTrain && !hasTest) return;
        if (!hasTrain || !hasTest)
            throw new InvalidDataException($"task folder {dir} has {(hasTrain ? "train.jsonl but no test.jsonl" : "test.jsonl but no train.jsonl")}");
        var name = Path.GetRelativePath(root, dir).Replace(Path.DirectorySeparatorChar, '/');
        tasks.Add(new QaTask(name, train, test));
    }
}
