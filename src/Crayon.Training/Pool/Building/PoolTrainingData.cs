using System.Security.Cryptography;
using System.Text;
using Crayon.Customization;
using Crayon.Llama;

namespace Crayon.Pool.Building;

/// <summary>
/// One text a pool is built from: what is embedded to place it in a cluster, and what an adapter trains on. Both are cut
/// to a character budget the builder picks.
/// </summary>
/// <param name="Group">Where it came from (a task name, a file), for the pool's provenance and cluster summaries.</param>
/// <param name="Id">Its id within the group.</param>
public abstract record PoolExample(string Group, string Id)
{
    /// <summary>The text embedded for clustering, cut to <paramref name="budget"/>.</summary>
    public abstract string EmbeddingText(PromptBudget budget);

    /// <summary>The text an adapter trains on, cut to <paramref name="budget"/>.</summary>
    public abstract string TrainingText(PromptBudget budget);
}

/// <summary>A plain text example: a prompt, and the response an adapter should learn (the prompt alone when none).</summary>
public sealed record TextPoolExample(string Group, string Id, string Prompt, string? Response = null) : PoolExample(Group, Id)
{
    public override string EmbeddingText(PromptBudget budget) => PromptBudget.CutLeft(Prompt, budget.MaxChars, 0).Text;

    public override string TrainingText(PromptBudget budget)
    {
        var response = Response ?? "";
        return PromptBudget.CutLeft(Prompt, budget.MaxChars - response.Length, 0).Text + response;
    }
}

/// <summary>
/// The examples a pool is built from, and where they came from (task names, file names) for the pool's
/// provenance. <see cref="Digest"/> identifies the exact texts the build embeds and trains on.
/// </summary>
public sealed record PoolTrainingData
{
    public PoolTrainingData(IReadOnlyList<PoolExample> examples, IReadOnlyList<string> sources)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(sources);
        if (examples.Count == 0) throw new ArgumentException("a pool needs training examples; the data holds none", nameof(examples));
        Examples = examples;
        Sources = sources;
    }

    public IReadOnlyList<PoolExample> Examples { get; }

    /// <summary>e.g. "task siqa (train)", "file mine.jsonl".</summary>
    public IReadOnlyList<string> Sources { get; }

    /// <summary>Examples per group, groups in ordinal order.</summary>
    public IReadOnlyList<(string Task, int Count)> TaskCounts =>
        Examples.GroupBy(i => i.Group).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count())).ToArray();

    /// <summary>The texts embedded to cluster the examples, as <see cref="ExampleEmbedder"/> reads every text.</summary>
    public string[] EmbeddingTexts() => Examples.Select(e => e.EmbeddingText(ExampleEmbedder.QueryBudget)).ToArray();

    /// <summary>The texts an adapter trains on, cut to fit a training window of <paramref name="windowTokens"/>.</summary>
    public string[] TrainingTexts(int windowTokens)
    {
        var budget = PromptBudget.FromTokens(windowTokens);
        return Examples.Select(e => e.TrainingText(budget)).ToArray();
    }

    /// <summary>SHA-256 over every example's group, id, embedded text and training text, in order.</summary>
    public string Digest(int windowTokens)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var training = TrainingTexts(windowTokens);
        var embedded = EmbeddingTexts();
        for (var i = 0; i < Examples.Count; i++)
        {
            var example = Examples[i];
            hash.AppendData(Encoding.UTF8.GetBytes($"{example.Group.Length}:{example.Group}{example.Id.Length}:{example.Id}"));
            hash.AppendData(Encoding.UTF8.GetBytes($"{embedded[i].Length}:{embedded[i]}{training[i].Length}:{training[i]}"));
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
