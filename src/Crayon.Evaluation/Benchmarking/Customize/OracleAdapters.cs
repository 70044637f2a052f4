using Crayon.Adapters;
using Crayon.Formats;
using Crayon.Pool;
using Crayon.Pool.Building;
using Crayon.Tasks;
using Crayon.Training;

namespace Crayon.Benchmarking.Customize;

/// <summary>
/// The oracle baseline: an adapter trained on the task's own train split with the pool's trainer, rank and
/// settings, the upper reference a pool blend is measured against. Cached under
/// <see cref="CrayonFolders.Cache"/>/oracles by model fingerprint and a hash of the settings and texts.
/// </summary>
public static class OracleAdapters
{
    /// <returns>The adapter and whether it came from the cache.</returns>
    public static (LoraAdapter Adapter, bool Cached) GetOrTrain(string modelPath, PoolModel model, string task, IReadOnlyList<QaItem> items, int rank,
        TrainingOptions options, string? cacheFolder = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var data = items.AsPoolData([task]);
        var hash = PoolBuildSettings.Hash($"crayon oracle 1;model={model.Architecture}:{model.Fingerprint};rank={rank};" +
                                          $"{options.Canonical()};data={data.Digest(options.WindowLength)}");
        var path = Path.Combine(cacheFolder ?? CrayonFolders.Cache, "oracles", $"oracle-{model.Fingerprint[..12]}-{hash[..16]}.gguf");
        if (File.Exists(path))
        {
            try
            {
                return (LoraAdapterGguf.Read(path), true);
            }
            catch (FileFormatException)
            {
                File.Delete(path);
            }
        }
        var trained = AdapterTrainer.Train(modelPath, data.TrainingTexts(options.WindowLength), rank, options, AdapterRoute.TrainedFactors, progress, cancellation);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        LoraAdapterGguf.WriteFile(trained.Adapter, path);
        return (trained.Adapter, false);
    }
}
