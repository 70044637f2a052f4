using System.Text.Json;
using Crayon.Server.Http;

namespace Crayon.Server.Adapters;

/// <summary>
/// One entry of llama-server's adapter list: {"id": index of a --lora adapter, "scale": its weight}.
/// The same shape is a request's "lora" field and the body of POST /lora-adapters; in both, an adapter
/// the list does not name gets scale 0 (llama-server's meaning).
/// </summary>
public readonly record struct LoraScale(int Id, float Scale)
{
    /// <summary>Scales beyond this are refused: a LoRA delta scaled by thousands only produces overflow or noise.</summary>
    public const float MaxScale = 100f;

    public const int MaxEntries = 256;

    /// <summary>Parses a JSON array of {id, scale}; <paramref name="field"/> names it in errors ("lora", or "" for a whole body).</summary>
    public static IReadOnlyList<LoraScale> ParseList(JsonElement value, string field)
    {
        var name = field.Length == 0 ? "the request body" : $"field '{field}'";
        if (value.ValueKind != JsonValueKind.Array)
            throw new ApiException(400, $"{name} must be an array of {{\"id\", \"scale\"}} objects, got {JsonFields.Describe(value)}", field.Length == 0 ? null : field, code: "invalid_value");
        if (value.GetArrayLength() > MaxEntries)
            throw new ApiException(400, $"{name} has {value.GetArrayLength()} entries, over the limit of {MaxEntries}", field.Length == 0 ? null : field, code: "invalid_value");
        var result = new List<LoraScale>();
        var i = 0;
        foreach (var entry in value.EnumerateArray())
        {
            var path = field.Length == 0 ? $"[{i}]" : $"{field}[{i}]";
            var f = new JsonFields(entry, path);
            foreach (var property in entry.EnumerateObject())
                if (property.Name is not ("id" or "scale"))
                    throw ApiException.Unsupported(f.Name(property.Name), "an adapter entry holds \"id\" and \"scale\" only");
            var id = (int)(f.OptionalInteger("id", 0, int.MaxValue) ?? throw ApiException.BadField(f.Name("id"), "is required", "missing_required_parameter"));
            var scale = (float)(f.OptionalNumber("scale", -MaxScale, MaxScale) ?? throw ApiException.BadField(f.Name("scale"), "is required", "missing_required_parameter"));
            if (result.Any(r => r.Id == id)) throw ApiException.BadField(f.Name("id"), $"names adapter {id} a second time; give each adapter one scale");
            result.Add(new LoraScale(id, scale));
            i++;
        }
        return result;
    }
}
