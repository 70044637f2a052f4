using Crayon.Blending;
using Crayon.Pool;
using Crayon.Server.Hosting;
using Crayon.Server.Http;

namespace Crayon.Server.Blending;

/// <summary>A pool the server blends, resident in the blender's memory.</summary>
public sealed record ServedPool(string Id, AdapterPoolArtifact Artifact, ResidentPool Resident);

/// <summary>
/// The pools the server holds for devices that hold none. Each is read (checksums verified) and
/// uploaded once at start; blends then reuse the resident copy, and so do the per-request customizations
/// (<see cref="Customizations.ServedCustomizers"/> blends the same resident pools). The pools are built for the DEVICE
/// model, not for the model this server answers with, so they are not checked against it: a client
/// checks the pool's model fingerprint (GET /v1/crayon/pools/{id}) against its own model.
/// </summary>
public sealed class PoolRegistry : IDisposable
{
    private readonly Blender? _blender;
    private readonly Dictionary<string, ServedPool> _pools;

    private PoolRegistry(Blender? blender, Dictionary<string, ServedPool> pools)
    {
        _blender = blender;
        _pools = pools;
    }

    public IReadOnlyCollection<ServedPool> All => _pools.Values;

    /// <summary>Where the pools are resident; null without pools.</summary>
    public Blender? Blender => _blender;

    /// <summary>Where blends run ("none" without pools).</summary>
    public string Device => _blender?.Device.ToString() ?? "none";

    /// <summary>Pools are kept in fp32 on the blend device, so a served blend equals a local fp32 blend bit for bit.</summary>
    public static PoolRegistry Load(IReadOnlyList<PoolSource> sources, BlendBackend backend)
    {
        if (sources.Count == 0) return new PoolRegistry(null, []);
        var blender = Blender.Create(new BlenderOptions { Backend = backend });
        var pools = new Dictionary<string, ServedPool>(StringComparer.Ordinal);
        try
        {
            foreach (var source in sources)
            {
                AdapterPoolArtifact artifact;
                try { artifact = AdapterPoolFile.Read(source.Path); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"pool '{source.Id}': cannot read {source.Path}: {e.Message}", e);
                }
                pools.Add(source.Id, new ServedPool(source.Id, artifact, blender.Upload(artifact.Adapters, PoolStorage.Float32)));
            }
            return new PoolRegistry(blender, pools);
        }
        catch
        {
            blender.Dispose();
            throw;
        }
    }

    /// <exception cref="ApiException">404 naming the pools there are.</exception>
    public ServedPool Get(string id) => _pools.TryGetValue(id, out var pool) ? pool
        : throw new ApiException(404, _pools.Count == 0
            ? $"pool '{id}' is not served: this server holds no pools (start it with --pool)"
            : $"pool '{id}' is not served; known pools: {string.Join(", ", _pools.Keys.Order(StringComparer.Ordinal))}", "pool", code: "pool_not_found");

    public void Dispose() => _blender?.Dispose();
}
