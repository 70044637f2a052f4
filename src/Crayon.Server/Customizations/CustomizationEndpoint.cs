using Crayon.Server.Hosting;
using Crayon.Server.Http;
using Crayon.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Customizations;

/// <summary>
/// POST /v1/crayon/customizations {"pool": id, "alpha": [one weight per adapter], "recipe": optional, default linear} → {"id": ...}: registers a
/// customization so requests can name it ("crayon": {"customization": id}) instead of sending alpha each time.
/// </summary>
public static class CustomizationEndpoint
{
    public static async Task RegisterAsync(HttpContext http, ServerState state)
    {
        var (pool, alpha, recipe) = await JsonBody.ReadAsync(http, state.Options.MaxBodyBytes, body =>
        {
            var f = new JsonFields(body);
            foreach (var property in body.EnumerateObject())
                if (property.Name is not ("pool" or "alpha" or "recipe") && property.Value.ValueKind != System.Text.Json.JsonValueKind.Null)
                    throw ApiException.Unsupported(property.Name, "a customization is registered from \"pool\", \"alpha\" and \"recipe\" only, never from examples");
            return (f.RequiredString("pool", 256), CustomizationField.ParseAlpha(f), CustomizationField.ParseRecipe(f));
        }).ConfigureAwait(false);
        var (id, _) = state.Customizations.Register(pool, alpha, recipe);
        await Responses.JsonAsync(http, new CustomizationBody(id, "crayon.customization", pool, alpha.Length)).ConfigureAwait(false);
    }
}
