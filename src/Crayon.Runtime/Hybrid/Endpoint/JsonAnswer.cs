using System.Text.Json;

namespace Crayon.Hybrid.Endpoint;

/// <summary>Strict reads of a server's JSON answer: a missing or mistyped field is garbage, named by its path.</summary>
internal static class JsonAnswer
{
    /// <summary>Parses an answer's bytes; bytes that are not UTF-8 JSON are garbage.</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> bytes)
    {
        // The JSON reader checks UTF-8 only when a string is read; a bad byte must be garbage, not a later crash.
        if (!System.Text.Unicode.Utf8.IsValid(bytes.Span)) throw new GarbageAnswerException("the answer is not valid UTF-8");
        try { return JsonDocument.Parse(bytes); }
        catch (JsonException e) { throw new GarbageAnswerException($"the answer is not JSON: {e.Message}"); }
    }

    public static JsonElement Property(JsonElement value, string name, string path)
    {
        if (value.ValueKind != JsonValueKind.Object) throw new GarbageAnswerException($"{path} is {value.ValueKind.ToString().ToLowerInvariant()}, not an object");
        return value.TryGetProperty(name, out var property) ? property : throw new GarbageAnswerException($"{path}.{name} is missing");
    }

    public static string String(JsonElement value, string name, string path)
    {
        var p = Property(value, name, path);
        return p.ValueKind == JsonValueKind.String ? p.GetString()! : throw new GarbageAnswerException($"{path}.{name} is {p.ValueKind.ToString().ToLowerInvariant()}, not a string");
    }

    public static JsonElement Array(JsonElement value, string name, string path)
    {
        var p = Property(value, name, path);
        return p.ValueKind == JsonValueKind.Array ? p : throw new GarbageAnswerException($"{path}.{name} is {p.ValueKind.ToString().ToLowerInvariant()}, not an array");
    }

    public static int Int(JsonElement value, string path) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var i) ? i : throw new GarbageAnswerException($"{path} is not an integer");

    /// <summary>A finite number, or null for JSON null.</summary>
    public static double? NullableNumber(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number when value.TryGetDouble(out var d) && double.IsFinite(d) => d,
        _ => throw new GarbageAnswerException($"{path} is not a finite number"),
    };

    /// <summary>The "choices" array ordered by each choice's "index", which must be 0..count-1.</summary>
    public static JsonElement[] Choices(JsonElement root, int expected)
    {
        var choices = Array(root, "choices", "answer").EnumerateArray().ToArray();
        if (choices.Length != expected) throw new GarbageAnswerException($"answer.choices has {choices.Length} entries for {expected} prompt(s)");
        var ordered = new JsonElement[expected];
        var seen = new bool[expected];
        for (var i = 0; i < choices.Length; i++)
        {
            var index = choices[i].ValueKind == JsonValueKind.Object && choices[i].TryGetProperty("index", out var ix) ? Int(ix, $"answer.choices[{i}].index") : i;
            if (index < 0 || index >= expected || seen[index]) throw new GarbageAnswerException($"answer.choices[{i}].index is {index}, not a distinct index below {expected}");
            seen[index] = true;
            ordered[index] = choices[i];
        }
        return ordered;
    }
}
