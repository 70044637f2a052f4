using System.Text.Json;
using Crayon.Server.Completions;
using Crayon.Server.Http;

namespace Crayon.Server.Embeddings;

/// <summary>
/// POST /v1/embeddings, validated: "input" (a string or a list of strings; token ids are refused),
/// "encoding_format" "float" (the default) or "base64", "model" optional.
/// </summary>
public sealed record EmbeddingRequest(IReadOnlyList<string> Inputs, bool Base64)
{
    public const int MaxInputs = 256;

    public static EmbeddingRequest Parse(JsonElement body, string modelId)
    {
        var f = new JsonFields(body);
        RequestFields.RefuseUnknown(f, body, RequestFields.Embedding);
        ModelField.Check(f, modelId);
        if (f.Find("input") is not { } input) throw ApiException.BadField("input", "is required", "missing_required_parameter");
        if (input.ValueKind == JsonValueKind.Array && input.EnumerateArray().Any(e => e.ValueKind is JsonValueKind.Number or JsonValueKind.Array))
            throw ApiException.BadField("input", "holds token ids; this server takes input as text only");
        var inputs = f.StringOrStrings("input", MaxInputs);
        if (inputs.Count == 0) throw ApiException.BadField("input", "must hold at least one text");
        for (var i = 0; i < inputs.Count; i++)
            if (inputs[i].Length == 0) throw ApiException.BadField(inputs.Count == 1 && input.ValueKind == JsonValueKind.String ? "input" : $"input[{i}]", "must not be an empty string");
        var base64 = (f.OptionalString("encoding_format", 16) ?? "float") switch
        {
            "float" => false,
            "base64" => true,
            var other => throw ApiException.BadField("encoding_format", $"must be \"float\" or \"base64\", got \"{other}\""),
        };
        return new EmbeddingRequest(inputs, base64);
    }
}
