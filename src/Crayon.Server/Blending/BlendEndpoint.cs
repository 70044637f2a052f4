using System.Globalization;
using Crayon.Adapters;
using Crayon.Server.Hosting;
using Crayon.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Blending;

/// <summary>
/// POST /v1/crayon/blend: blends a served pool with the client's alpha and answers the adapter as a
/// GGUF image (application/octet-stream), ready for llama.cpp to load from memory. Headers say what
/// was blended: X-Crayon-Blended (adapter indices, stacking order), X-Crayon-Rank, X-Crayon-Blend-Us.
/// </summary>
public static class BlendEndpoint
{
    public static async Task HandleAsync(HttpContext http, ServerState state)
    {
        var request = await JsonBody.ReadAsync(http, state.Options.MaxBodyBytes, BlendRequest.Parse).ConfigureAwait(false);
        var pool = state.Pools.Get(request.Pool);
        if (request.Alpha.Length != pool.Artifact.Count)
            throw ApiException.BadField("alpha", $"has {request.Alpha.Length} weights but pool '{pool.Id}' has {pool.Artifact.Count} adapters; give one weight per adapter");
        if (request.TopK > pool.Artifact.Count)
            throw ApiException.BadField("top_k", $"is {request.TopK} but pool '{pool.Id}' has only {pool.Artifact.Count} adapters");
        using var ticket = state.Admit(state.Blending);
        await state.RunAsync(http, async cancel =>
        {
            var (result, image) = await Task.Run(() =>
            {
                var blended = pool.Resident.Blend(request.Alpha, request.Mode, request.TopK);
                // Checked after the blend (and in the storage type): finite weights can still overflow there.
                if (LoraWeightRange.FindOverflow(blended.Adapter, request.Storage) is { } where)
                    throw ApiException.BadField("alpha", $"gives a blend whose weights are not finite in {request.Storage.ToString().ToLowerInvariant()} ({where}); use smaller weights");
                return (blended, LoraAdapterGguf.ToBytes(blended.Adapter, request.Storage));
            }, cancel).ConfigureAwait(false);
            var c = CultureInfo.InvariantCulture;
            http.Response.StatusCode = 200;
            http.Response.ContentType = "application/octet-stream";
            http.Response.ContentLength = image.Length;
            http.Response.Headers["X-Crayon-Pool"] = pool.Id;
            http.Response.Headers["X-Crayon-Blended"] = string.Join(",", result.Blended);
            http.Response.Headers["X-Crayon-Rank"] = result.Adapter.Pairs[0].Rank.ToString(c);
            http.Response.Headers["X-Crayon-Blend-Us"] = result.Timings.HostMicroseconds.ToString("0.#", c);
            await http.Response.Body.WriteAsync(image, cancel).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
