using System.Text.Json;
using Crayon.Blending;
using Crayon.Server.Blending;
using Crayon.Server.Http;

namespace Crayon.Server.Customizations;

/// <summary>
/// A request's "crayon" field: {"pool": id, "alpha": [one weight per adapter], "recipe": a blend recipe (optional, default
/// linear)} inline, or {"customization": id} naming one registered through POST /v1/crayon/customizations. Alpha only: a
/// request never carries examples.
/// </summary>
public sealed record CustomizationField(string? Pool, float[]? Alpha, BlendRecipe? Recipe, string? Id)
{
    public const string Name = "crayon";

    public static CustomizationField Parse(JsonElement value, string path = Name)
    {
        var f = new JsonFields(value, path);
        foreach (var property in value.EnumerateObject())
            if (property.Name is not ("pool" or "alpha" or "recipe" or "customization") && property.Value.ValueKind != JsonValueKind.Null)
                throw ApiException.Unsupported(f.Name(property.Name), "a customization is {\"pool\", \"alpha\", \"recipe\"} or {\"customization\"}; nothing else is read");
        if (f.OptionalString("customization", 128) is { } id)
        {
            if (f.Find("pool") is not null || f.Find("alpha") is not null || f.Find("recipe") is not null)
                throw ApiException.BadField(f.Name("customization"), "names a registered customization: send it alone, without \"pool\", \"alpha\" or \"recipe\"");
            return new CustomizationField(null, null, null, id);
        }
        return new CustomizationField(f.RequiredString("pool", 256), ParseAlpha(f), ParseRecipe(f), null);
    }

    /// <summary>"recipe" in <see cref="BlendRecipe.Parse"/>'s text form (the one `crayon blend --mode` and /v1/crayon/blend read); absent: linear.</summary>
    public static BlendRecipe ParseRecipe(JsonFields f)
    {
        var text = f.OptionalString("recipe", 128);
        if (text is null) return BlendRecipe.Linear;
        try
        {
            return BlendRecipe.Parse(text);
        }
        catch (FormatException e)
        {
            throw ApiException.BadField(f.Name("recipe"), e.Message);
        }
    }

    /// <summary>Alpha checked as the blend endpoint checks it: finite, |w| at most <see cref="BlendRequest.MaxWeight"/>, not empty.</summary>
    public static float[] ParseAlpha(JsonFields f)
    {
        var alpha = f.RequiredNumbers("alpha", BlendRequest.MaxAdapters);
        if (alpha.Length == 0) throw ApiException.BadField(f.Name("alpha"), "must hold one weight per adapter of the pool");
        for (var i = 0; i < alpha.Length; i++)
            if (Math.Abs(alpha[i]) > BlendRequest.MaxWeight)
                throw ApiException.BadField($"{f.Name("alpha")}[{i}]", $"is {alpha[i]:G9}, beyond the limit of ±{BlendRequest.MaxWeight:G} for a blend weight");
        if (alpha.All(w => w == 0)) throw ApiException.BadField(f.Name("alpha"), "is all zeros: no adapter would be blended");
        return alpha;
    }
}
