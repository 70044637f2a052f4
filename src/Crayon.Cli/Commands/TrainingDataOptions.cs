using System.CommandLine;
using Crayon.Tasks;

namespace Crayon.Cli.Commands;

/// <summary>Where QA items come from: JSONL files, and/or the train (or test) split of catalogued tasks.</summary>
internal sealed class TrainingDataOptions(string split)
{
    public Option<string[]> Data { get; } = new("--data")
    {
        Description = "QA JSONL file (one item per line: question, choices, answer[, context]); repeat for several",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string[]> Task { get; } = new("--task")
    {
        Description = $"a task of the shared data (e.g. siqa, mmlu/anatomy), its {split} split" + (split == "train" ? " without items that also appear in its test split" : "") + "; repeat for several",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<int> MaxItems { get; } = new("--max-items")
    {
        Description = split == "train" ? "use at most this many items, a seeded sample (0: all)" : "score at most this many items per task, a seeded sample (0: all)",
    };

    public Option<int> MaxPerTask { get; } = new("--max-per-task") { Description = "with --task: at most this many train items from each task, a seeded sample, so large tasks do not drown small ones (0: all)" };

    public Option<long> Seed { get; } = new("--seed") { Description = "seed for the item sample and the training order", DefaultValueFactory = _ => 0 };

    public void AddTo(Command command)
    {
        foreach (var option in split == "train" ? new Option[] { Data, Task, MaxItems, MaxPerTask, Seed } : [Data, Task, MaxItems, Seed])
            command.Add(option);
    }

    public IReadOnlyList<QaItem> Load(ParseResult result)
    {
        var files = result.GetValue(Data) ?? [];
        var tasks = result.GetValue(Task) ?? [];
        var seed = result.GetValue(Seed);
        var max = result.GetValue(MaxItems);
        var perTask = split == "train" ? result.GetValue(MaxPerTask) : 0;
        if (max < 0) throw new UsageException($"--max-items must not be negative, got {max}");
        if (perTask < 0) throw new UsageException($"--max-per-task must not be negative, got {perTask}");
        if (files.Length == 0 && tasks.Length == 0) throw new UsageException("give the items with --data FILE.jsonl or --task NAME");

        var items = new List<QaItem>();
        foreach (var file in files)
        {
            if (!File.Exists(file)) throw new FileNotFoundException($"--data file not found: {file}", file);
            items.AddRange(QaJsonlReader.ReadFile(file));
        }
        if (tasks.Length > 0)
        {
            var catalog = TaskCatalog.Open();
            var loaded = tasks.Select(t => catalog.Get(t).Load()).ToArray();
            items.AddRange(split == "train"
                ? TaskSampler.TrainingMixture(loaded, seed, perTaskCap: perTask > 0 ? perTask : int.MaxValue)
                : loaded.SelectMany(t => t.Test));
        }
        if (items.Count == 0) throw new ArgumentException("the data holds no items");
        // Training draws its sample from everything; evaluation draws one per task, so every task keeps its share.
        return split == "train" ? Sample(items, max, seed, "cli items") : items.GroupBy(i => i.Task).SelectMany(g => Sample(g.ToArray(), max, seed, "test:" + g.Key)).ToArray();
    }

    private static IReadOnlyList<QaItem> Sample(IReadOnlyList<QaItem> items, int max, long seed, string purpose)
    {
        if (max == 0 || items.Count <= max) return items;
        var picked = new SeededRandom(SeededRandom.Derive(seed, purpose)).Permutation(items.Count).Take(max).Order();
        return picked.Select(i => items[i]).ToArray();
    }
}
