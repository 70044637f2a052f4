using System.Text.Json;
using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Server.Http;

namespace Crayon.Server.Blending;

/// <summary>
/// POST /v1/crayon/blend: {"pool": id, "alpha": [one weight per adapter], "mode": a recipe in <see cref="BlendRecipe"/>'s
/// text form ("linear", "concat", "ties", "dare_linear", "dare_ties", "magnitude_prune", optionally with parameters:
/// "ties:density=0.3"), "top_k": k (concat only), "storage": "f32"|"f16"}. Nothing else is read: the request carries the
/// weights a device computed, never the examples it computed them from.
/// </summary>
public sealed record BlendRequest(string Pool, float[] Alpha, BlendRecipe Mode, int? TopK, GgmlType Storage)
{
    public const int MaxAdapters = 4096;

    /// <summary>
    /// The largest |weight| accepted. Alpha from examples is a distribution (weights in [0, 1]); a weight
    /// of thousands only scales an adapter into overflow or noise, so it is refused as a mistake.
    /// </summary>
    public const float MaxWeight = 1000f;

    public static BlendRequest Parse(JsonElement body)
    {
        var f = new JsonFields(body);
        var pool = f.RequiredString("pool", 256);
        var alpha = f.RequiredNumbers("alpha", MaxAdapters);
        if (alpha.Length == 0) throw ApiException.BadField("alpha", "must hold one weight per adapter of the pool");
        for (var i = 0; i < alpha.Length; i++)
            if (Math.Abs(alpha[i]) > MaxWeight)
                throw ApiException.BadField($"alpha[{i}]", $"is {alpha[i]:G9}, beyond the limit of ±{MaxWeight:G} for a blend weight");
        BlendRecipe mode;
        try
        {
            mode = BlendRecipe.Parse(f.OptionalString("mode", 128) ?? "linear");
        }
        catch (UnknownBlendRecipeException e)
        {
            throw ApiException.BadField("mode", "must be \"linear\" or \"concat\", or a merge recipe (ties, dare_linear, dare_ties, " +
                                                 $"magnitude_prune, with parameters as in \"ties:density=0.3\"); {e.Message}");
        }
        catch (FormatException e)
        {
            throw ApiException.BadField("mode", e.Message);
        }
        var topK = (int?)f.OptionalInteger("top_k", 1, MaxAdapters);
        if (topK is not null && !mode.StacksAdapters) throw ApiException.BadField("top_k", "applies to mode \"concat\" only");
        var storage = (f.OptionalString("storage", 8) ?? "f32") switch
        {
            "f32" => GgmlType.F32,
            "f16" => GgmlType.F16,
            var other => throw ApiException.BadField("storage", $"must be \"f32\" or \"f16\", got \"{other}\""),
        };
        return new BlendRequest(pool, alpha, mode, topK, storage);
    }
}
