using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Crayon.Cli;

/// <summary>
/// `--json`: a command's result as exactly one JSON document on stdout, for scripts; everything else it says
/// (progress, logs, warnings) goes to stderr. Strings are JSON-escaped, control characters included.
/// </summary>
public static class JsonOutput
{
    public static Option<bool> CreateOption() => new("--json")
    {
        Description = "write the result as one JSON document to stdout (progress and logs go to stderr)",
    };

    public static void Write(JsonNode document)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            document.WriteTo(writer);
        Console.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        Console.Out.Flush();
    }

    public static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonNode?> select) => new(items.Select(select).ToArray());
}
