using System.Text.Json.Serialization;

namespace Crayon.Server.Protocol;

/// <summary>GET /v1/models.</summary>
public sealed record ModelListBody(string Object, IReadOnlyList<ModelBody> Data);

public sealed record ModelBody(string Id, string Object, long Created, string OwnedBy, int ContextLength);

/// <summary>GET /health: "ok", or "draining" (with 503) during shutdown.</summary>
public sealed record HealthBody(string Status, string Model, int Contexts, int Admitted, int Capacity, IReadOnlyList<string> Pools);

/// <summary>GET /v1/crayon/pools.</summary>
public sealed record PoolListBody(string Object, IReadOnlyList<PoolBody> Data);

/// <summary>
/// What a device needs to customize through this server: the pool's shape, the model it was built for
/// (to check against its own), and with GET /v1/crayon/pools/{id} the centroids it computes alpha from.
/// </summary>
public sealed record PoolBody(
    string Id, int Adapters, int Rank, string Signal, int EmbeddingLength, IReadOnlyList<string> TargetModules,
    IReadOnlyList<string> AdapterNames, PoolModelBody Model,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<float[]>? Centroids);

public sealed record PoolModelBody(string Name, string Architecture, string Fingerprint);
