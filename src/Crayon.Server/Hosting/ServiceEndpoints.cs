using Crayon.Pool;
using Crayon.Server.Http;
using Crayon.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Hosting;

/// <summary>GET /health, GET /v1/models, GET /v1/crayon/pools[/{id}], and a JSON 404 for any other path.</summary>
public static class ServiceEndpoints
{
    public static readonly string[] Endpoints =
    [
        "GET /health", "GET /v1/models", "GET /v1/models/{id}", "POST /v1/completions", "POST /v1/chat/completions",
        "POST /v1/embeddings", "GET /lora-adapters", "POST /lora-adapters",
        "GET /v1/crayon/pools", "GET /v1/crayon/pools/{id}", "POST /v1/crayon/blend",
    ];

    public static Task HealthAsync(HttpContext http, ServerState state) => Responses.JsonAsync(http, new HealthBody(
        state.Draining ? "draining" : "ok", state.Model.Id, state.Options.Contexts, state.Generation.Admitted, state.Generation.Capacity,
        state.Pools.All.Select(p => p.Id).Order(StringComparer.Ordinal).ToArray()), state.Draining ? 503 : 200);

    public static Task ModelsAsync(HttpContext http, ServerState state) => Responses.JsonAsync(http, new ModelListBody("list", [Model(state)]));

    public static Task ModelAsync(HttpContext http, ServerState state)
    {
        var id = http.Request.RouteValues["id"] as string ?? "";
        if (!string.Equals(id, state.Model.Id, StringComparison.Ordinal))
            throw new ApiException(404, $"model '{id}' is not served here; this server serves '{state.Model.Id}' (see GET /v1/models)", "model", code: "model_not_found");
        return Responses.JsonAsync(http, Model(state));
    }

    private static ModelBody Model(ServerState state) => new(state.Model.Id, "model", state.Model.Created, "crayon", state.Model.ContextLength);

    public static Task PoolsAsync(HttpContext http, ServerState state) => Responses.JsonAsync(http, new PoolListBody("list",
        state.Pools.All.OrderBy(p => p.Id, StringComparer.Ordinal).Select(p => Describe(p.Id, p.Artifact, withCentroids: false)).ToArray()));

    public static Task PoolAsync(HttpContext http, ServerState state)
    {
        var id = http.Request.RouteValues["id"] as string ?? "";
        var pool = state.Pools.Get(id);
        return Responses.JsonAsync(http, Describe(pool.Id, pool.Artifact, withCentroids: true));
    }

    public static Task NotFoundAsync(HttpContext http) => throw new ApiException(404,
        $"no endpoint {http.Request.Method} {http.Request.Path}; this server has: {string.Join(", ", Endpoints)}", code: "unknown_url");

    private static PoolBody Describe(string id, AdapterPoolArtifact pool, bool withCentroids) => new(
        id, pool.Count, pool.Adapters.Rank, pool.Signal.ToString().ToLowerInvariant(), pool.EmbeddingLength,
        AdapterPoolFile.TargetModules(pool.Adapters), pool.AdapterNames,
        new PoolModelBody(pool.Model.Name, pool.Model.Architecture, pool.Model.Fingerprint),
        withCentroids ? pool.Centroids : null);
}
