using System.Text.Json;

namespace Crayon.Server.Http;

/// <summary>
/// Checks every string and property name of a parsed body once, before any field is read. JSON may
/// escape a lone UTF-16 surrogate ("\ud800"), which is valid JSON but no Unicode text: .NET refuses to
/// read it as a string, and that refusal must be a 400 naming the field, not a 500 in some later reader.
/// </summary>
public static class JsonTextCheck
{
    public static void Require(JsonElement root) => Walk(root, "");

    private static void Walk(JsonElement value, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                Read(() => value.GetString(), path);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in value.EnumerateArray()) Walk(item, $"{path}[{i++}]");
                break;
            case JsonValueKind.Object:
                foreach (var property in value.EnumerateObject())
                {
                    var name = Read(() => property.Name, path.Length == 0 ? "(a field name)" : $"{path}.(a field name)");
                    Walk(property.Value, path.Length == 0 ? name : $"{path}.{name}");
                }
                break;
        }
    }

    private static string Read(Func<string?> read, string path)
    {
        try { return read() ?? ""; }
        catch (InvalidOperationException)
        {
            throw new ApiException(400, path.Length == 0
                ? "the request body holds a string that is not valid Unicode text (a lone surrogate escape such as \\ud800)"
                : $"field '{path}' is not valid Unicode text: it holds a lone surrogate escape (such as \\ud800)", path.Length == 0 ? null : path, code: "invalid_value");
        }
    }
}
