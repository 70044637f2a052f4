using System.Security.Cryptography;
using System.Text;
using Crayon.Customization;
using Crayon.Tasks;

namespace Crayon.Pool.Building;

/// <summary>
/// The examples a pool is built from, and where they came from (task names, file names) for the pool's
/// provenance. <see cref="Digest"/> identifies the exact texts the build embeds and trains on.
/// </summary>
public sealed record PoolTrainingData
{
    public PoolTrainingData(IReadOnlyList<QaItem> items, IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(sources);
        if (items.Count == 0) throw new ArgumentException("a pool needs training examples; the data holds none", nameof(items));
        Items = items;
        Sources = sources;
    }

    public IReadOnlyList<QaItem> Items { get; }

    /// <summary>e.g. "task siqa (train)", "file mine.jsonl".</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>Items per task, tasks in ordinal order.</summary>
    public IReadOnlyList<(string Task, int Count)> TaskCounts =>
        Items.GroupBy(i => i.Task).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count())).ToArray();

    /// <summary>The texts an adapter trains on: each item's prompt and gold answer, cut to fit a training window of <paramref name="windowTokens"/>.</summary>
    public string[] TrainingTexts(int windowTokens)
    {
        var budget = PromptBudget.FromTokens(windowTokens);
        return Items.Select(i => QaPrompt.ForTraining(i, budget).Text).ToArray();
    }

    /// <summary>SHA-256 over every item's task, id, embedded text and training text, in order.</summary>
    public string Digest(int windowTokens)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var training = TrainingTexts(windowTokens);
        for (var i = 0; i < Items.Count; i++)
        {
            var item = Items[i];
            hash.AppendData(Encoding.UTF8.GetBytes($"{item.Task.Length}:{item.Task}{item.Id.Length}:{item.Id}"));
            var query = QaPrompt.QueryText(item, ExampleEmbedder.QueryBudget);
            hash.AppendData(Encoding.UTF8.GetBytes($"{query.Length}:{query}{training[i].Length}:{training[i]}"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
