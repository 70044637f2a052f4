using Crayon.Evaluation;
using Crayon.Pool.Building;
using Crayon.Tasks;

namespace Crayon.Cli.Commands;

/// <summary>
/// The values of `pool build --data`: an existing file is read as QA JSONL (all its items); anything else must name a
/// task of the shared data, whose train split contributes at most the per-task cap of items that are not in its test split.
/// </summary>
internal static class PoolDataOption
{
    public static PoolTrainingData Load(IReadOnlyList<string> values, long seed, int perTaskCap)
    {
        if (values.Count == 0) throw new UsageException("give the training examples with --data FILE.jsonl or --data TASK");
        var items = new List<QaItem>();
        var sources = new List<string>();
        var tasks = new List<QaTaskData>();
        TaskCatalog? catalog = null;
        foreach (var value in values)
        {
            if (File.Exists(value))
            {
                items.AddRange(QaJsonlReader.ReadFile(value));
                sources.Add($"file {Path.GetFileName(value)}");
                continue;
            }
            catalog ??= OpenCatalog(value);
            if (!catalog.Contains(value)) throw new UsageException($"--data '{value}' is neither a file nor a task of {catalog.Root}; tasks are e.g. siqa, csqa, mmlu/anatomy");
            tasks.Add(catalog.Get(value).Load());
            sources.Add($"task {value} (train)");
        }
        if (tasks.Count > 0) items.InsertRange(0, TaskSampler.TrainingMixture(tasks, seed, perTaskCap));
        return items.AsPoolData(sources);
    }

    private static TaskCatalog OpenCatalog(string value)
    {
        try
        {
            return TaskCatalog.Open();
        }
        catch (DirectoryNotFoundException e)
        {
            throw new ArgumentException($"--data '{value}' is not a file, and no shared task data was found to look it up ({e.Message})");
        }
    }
}
