using System.Text.Json;
using Crayon.Server.Hosting;
using Crayon.Server.Http;
using Crayon.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Adapters;

/// <summary>
/// llama-server's adapter endpoints: GET /lora-adapters lists [{id, path, scale}]; POST /lora-adapters
/// takes [{id, scale}] as the new global scales (adapters not named get 0) and answers {"success": true}.
/// Requests already running keep the adapters they started with.
/// </summary>
public static class LoraEndpoints
{
    public static Task ListAsync(HttpContext http, ServerState state) => Responses.JsonAsync(http,
        state.Loras.All.Select(a => new LoraAdapterBody(a.Id, a.Path, a.Scale)).ToArray());

    public static async Task SetAsync(HttpContext http, ServerState state)
    {
        var scales = await JsonBody.ReadAsync(http, state.Options.MaxBodyBytes, body => LoraScale.ParseList(body, "")).ConfigureAwait(false);
        var choice = state.Loras.SetGlobal(scales, "");
        state.SetGlobalAdapters(choice);
        await Responses.JsonAsync(http, new LoraApplyBody(true)).ConfigureAwait(false);
    }
}
