using System.Globalization;
using System.Text.Json;

namespace Crayon.Server.Http;

/// <summary>
/// Typed, validated access to the fields of a JSON request object. Every refusal is a 400 that names
/// the field, what it must be and what it was. A field that is absent or null takes its default, as
/// OpenAI clients send explicit nulls for unset options; unknown fields are ignored.
/// </summary>
public readonly struct JsonFields
{
    private readonly JsonElement _object;
    private readonly string _prefix;

    public JsonFields(JsonElement value, string path = "")
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new ApiException(400, path.Length == 0 ? $"the request body must be a JSON object, got {Describe(value)}" : $"field '{path}' must be an object, got {Describe(value)}", path.Length == 0 ? null : path);
        _object = value;
        _prefix = path.Length == 0 ? "" : path + ".";
    }

    /// <summary>The field's full name in error messages, e.g. "messages[2].content".</summary>
    public string Name(string field) => _prefix + field;

    /// <summary>The field's value, or null when it is absent or JSON null.</summary>
    public JsonElement? Find(string field) =>
        _object.TryGetProperty(field, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public string RequiredString(string field, int maxLength = int.MaxValue) =>
        OptionalString(field, maxLength) ?? throw ApiException.BadField(Name(field), "is required");

    public string? OptionalString(string field, int maxLength = int.MaxValue)
    {
        if (Find(field) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.String) throw ApiException.BadField(Name(field), $"must be a string, got {Describe(value)}");
        var text = value.GetString()!;
        if (text.Length > maxLength) throw ApiException.BadField(Name(field), $"is {text.Length:N0} characters long, over the limit of {maxLength:N0}");
        return text;
    }

    public bool? OptionalBool(string field)
    {
        if (Find(field) is not { } value) return null;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiException.BadField(Name(field), $"must be true or false, got {Describe(value)}"),
        };
    }

    public long? OptionalInteger(string field, long min, long max)
    {
        if (Find(field) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            // 3.0 is an integer written as a float; accept it, as Python clients send it.
            if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 1e15) number = (long)d;
            else throw ApiException.BadField(Name(field), $"must be an integer between {min} and {max}, got {Describe(value)}");
        }
        if (number < min || number > max) throw ApiException.BadField(Name(field), $"must be an integer between {min} and {max}, got {number}");
        return number;
    }

    public double? OptionalNumber(string field, double min, double max)
    {
        if (Find(field) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
            throw ApiException.BadField(Name(field), $"must be a number between {F(min)} and {F(max)}, got {Describe(value)}");
        if (number < min || number > max) throw ApiException.BadField(Name(field), $"must be a number between {F(min)} and {F(max)}, got {F(number)}");
        return number;
    }

    /// <summary>A string or an array of strings (OpenAI's "prompt" and "stop"); empty when absent.</summary>
    public IReadOnlyList<string> StringOrStrings(string field, int maxCount, int maxLength = int.MaxValue)
    {
        if (Find(field) is not { } value) return [];
        if (value.ValueKind == JsonValueKind.String) return [CheckLength(field, value.GetString()!, maxLength)];
        if (value.ValueKind != JsonValueKind.Array) throw ApiException.BadField(Name(field), $"must be a string or an array of strings, got {Describe(value)}");
        var count = value.GetArrayLength();
        if (count > maxCount) throw ApiException.BadField(Name(field), $"has {count} entries, over the limit of {maxCount}");
        var result = new List<string>(count);
        var i = 0;
        foreach (var entry in value.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.String)
                throw ApiException.BadField($"{Name(field)}[{i}]", $"must be a string, got {Describe(entry)}");
            result.Add(CheckLength($"{field}[{i}]", entry.GetString()!, maxLength));
            i++;
        }
        return result;
    }

    /// <summary>An array of numbers, each finite (e.g. blend weights).</summary>
    public float[] RequiredNumbers(string field, int maxCount)
    {
        if (Find(field) is not { } value) throw ApiException.BadField(Name(field), "is required");
        if (value.ValueKind != JsonValueKind.Array) throw ApiException.BadField(Name(field), $"must be an array of numbers, got {Describe(value)}");
        var count = value.GetArrayLength();
        if (count > maxCount) throw ApiException.BadField(Name(field), $"has {count} entries, over the limit of {maxCount}");
        var result = new float[count];
        var i = 0;
        foreach (var entry in value.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Number || !entry.TryGetDouble(out var d) || !float.IsFinite((float)d))
                throw ApiException.BadField($"{Name(field)}[{i}]", $"must be a finite number, got {Describe(entry)}");
            result[i++] = (float)d;
        }
        return result;
    }

    /// <summary>The elements of an array field.</summary>
    public IReadOnlyList<JsonElement> RequiredArray(string field, int maxCount)
    {
        if (Find(field) is not { } value) throw ApiException.BadField(Name(field), "is required");
        if (value.ValueKind != JsonValueKind.Array) throw ApiException.BadField(Name(field), $"must be an array, got {Describe(value)}");
        var count = value.GetArrayLength();
        if (count == 0) throw ApiException.BadField(Name(field), "must not be empty");
        if (count > maxCount) throw ApiException.BadField(Name(field), $"has {count} entries, over the limit of {maxCount}");
        return value.EnumerateArray().ToArray();
    }

    private string CheckLength(string field, string text, int maxLength) =>
        text.Length <= maxLength ? text : throw ApiException.BadField(Name(field), $"is {text.Length:N0} characters long, over the limit of {maxLength:N0}");

    /// <summary>A short description of a JSON value for error messages: its kind, and a number's or short string's value.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!.Length <= 32 ? $"the string \"{value.GetString()}\"" : "a string",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string F(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
