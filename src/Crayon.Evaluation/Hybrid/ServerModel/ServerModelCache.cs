using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Crayon.Models;
using Crayon.Tasks;
using Crayon.Training;

namespace Crayon.Hybrid.ServerModel;

/// <summary>A server model taken from the cache or just trained.</summary>
/// <param name="Statistics">The fine-tune's statistics; null when the cached file was reused.</param>
public sealed record CachedServerModel(string Path, ServerModelRecipe Recipe, int TrainingItems, TrainingStatistics? Statistics, TimeSpan? Elapsed);

/// <summary>
/// Server models trained once and reused: one GGUF per (base model fingerprint, recipe, training texts) under
/// <see cref="CrayonFolders.Cache"/>/server-models, beside a text file recording the recipe and how the training went.
/// The training is deterministic (one thread, seeded order), so a rebuild gives the same bytes.
/// </summary>
public static class ServerModelCache
{
    /// <param name="baseModelPath">The model to fine-tune; null: stories260K imported untied (<see cref="DefaultModel.EnsureUntied"/>).</param>
    /// <param name="catalog">Where the QA tasks come from; null: the shared data.</param>
    public static CachedServerModel GetOrBuild(ServerModelRecipe recipe, string? baseModelPath = null, TaskCatalog? catalog = null, string? cacheFolder = null,
        IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        recipe.Validate();
        baseModelPath ??= DefaultModel.EnsureUntied();
        var items = TrainingItems(recipe, catalog ?? TaskCatalog.Open());
        var texts = items.Select(i => QaPrompt.ForTraining(i, PromptBudget.FromTokens(recipe.WindowLength)).Text).ToArray();
        var path = PathFor(baseModelPath, recipe, texts, cacheFolder);
        if (File.Exists(path)) return new CachedServerModel(path, recipe, items.Count, null, null);

        var clock = Stopwatch.StartNew();
        var tuned = FineTuner.Run(baseModelPath, texts, recipe.Training, progress, cancellation);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        // The model file appears only once complete: an interrupted run leaves nothing that looks cached.
        Formats.AtomicFile.Write(path, tuned.ToModelImage());
        Formats.AtomicFile.WriteText(System.IO.Path.ChangeExtension(path, ".txt"), Describe(baseModelPath, recipe, items, tuned.Statistics));
        return new CachedServerModel(path, recipe, items.Count, tuned.Statistics, clock.Elapsed);
    }

    /// <summary>
    /// The recipe's training items: seeded subsets of each task's train split, minus anything matching the test split of
    /// any task in the mixture (so no benchmark query was ever seen by the server model).
    /// </summary>
    public static IReadOnlyList<QaItem> TrainingItems(ServerModelRecipe recipe, TaskCatalog catalog)
    {
        var standard = recipe.Tasks.Select(t => catalog.Get(t).Load()).ToArray();
        var mmlu = recipe.ItemsPerMmluSubject > 0 ? catalog.MmluSubjects.Select(s => s.Load()).ToArray() : [];
        var guard = LeakageGuard.ForTasks(standard.Concat(mmlu));
        var items = new List<QaItem>();
        if (standard.Length > 0) items.AddRange(TaskSampler.TrainingMixture(standard, recipe.Seed, recipe.ItemsPerTask, guard));
        if (mmlu.Length > 0) items.AddRange(TaskSampler.TrainingMixture(mmlu, recipe.Seed, recipe.ItemsPerMmluSubject, guard));
        return items;
    }

    private static string PathFor(string baseModelPath, ServerModelRecipe recipe, IReadOnlyList<string> texts, string? cacheFolder)
    {
        var fingerprint = ModelFingerprint.Of(baseModelPath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        // The recipe's lines name only what it sets; the full training options also cover the fine-tune defaults it inherits,
        // so a change of those defaults trains a new model instead of reusing one made under the old ones.
        hash.AppendData(Encoding.UTF8.GetBytes(fingerprint + "\n" + recipe.Canonical() + "\n" + recipe.Training.Canonical() + "\n"));
        foreach (var text in texts) hash.AppendData(Encoding.UTF8.GetBytes(text + "\0"));
        var key = Convert.ToHexStringLower(hash.GetHashAndReset());
        return System.IO.Path.Combine(cacheFolder ?? CrayonFolders.Cache, "server-models", $"server-{recipe.Name}-{fingerprint[..12]}-{key[..16]}.gguf");
    }

    private static string Describe(string baseModelPath, ServerModelRecipe recipe, IReadOnlyList<QaItem> items, TrainingStatistics statistics) =>
        $"server model: {baseModelPath} fully fine-tuned (crayon, ServerModelRecipe '{recipe.Name}')\n{recipe.Canonical()}\n" +
        $"training items: {items.Count} ({string.Join(", ", items.GroupBy(i => i.Task.StartsWith("mmlu/", StringComparison.Ordinal) ? "mmlu" : i.Task).Select(g => $"{g.Key} {g.Count()}"))})\n" +
        $"statistics: {statistics.Texts} texts, {statistics.TextTokens} tokens, {statistics.Steps} steps, loss by epoch {string.Join(" -> ", statistics.EpochLosses.Select(l => l.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)))}\n";
}
