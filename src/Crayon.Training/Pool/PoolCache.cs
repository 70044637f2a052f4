using Crayon.Formats;
using Crayon.Pool.Building;

namespace Crayon.Pool;

/// <summary>A pool taken from the cache or just built.</summary>
/// <param name="Built">The build's report; null when the cached file was reused.</param>
public sealed record CachedPool(string Path, AdapterPoolArtifact Pool, PoolBuildResult? Built);

/// <summary>
/// Pools built once and reused: one file per (model fingerprint, settings hash) under
/// <see cref="CrayonFolders.Cache"/>/pools, so a rerun with the same model, data and settings loads the pool in
/// milliseconds. A damaged cached file is rebuilt; an interrupted build resumes.
/// </summary>
public static class PoolCache
{
    public static string PathFor(PoolModel model, string settingsHash, string? cacheFolder = null) =>
        System.IO.Path.Combine(cacheFolder ?? CrayonFolders.Cache, "pools", $"pool-{model.Fingerprint[..12]}-{settingsHash[..16]}.gguf");

    public static CachedPool GetOrBuild(string modelPath, PoolTrainingData data, PoolBuildSettings settings, PoolBuildRun? run = null, string? cacheFolder = null)
    {
        var identity = PoolModelIdentity.Of(modelPath);
        var path = PathFor(identity, PoolBuilder.SettingsHash(identity, data, settings), cacheFolder);
        if (File.Exists(path))
        {
            try
            {
                return new CachedPool(path, AdapterPoolFile.Read(path), null);
            }
            catch (FileFormatException)
            {
                File.Delete(path); // damaged (e.g. a disk error): build it again
            }
        }
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var built = PoolBuilder.Build(modelPath, data, settings, path, (run ?? new PoolBuildRun()) with { Resume = true });
        return new CachedPool(path, built.Pool, built);
    }
}
