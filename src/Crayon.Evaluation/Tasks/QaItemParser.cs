using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Crayon.Tasks;

/// <summary>
/// Turns one JSONL line into a <see cref="QaItem"/> or a one-phrase reason why not. It trusts nothing:
/// encoding, JSON syntax, field presence, field types, duplicates, ranges are all checked.
/// Unknown fields are ignored so that newer files stay readable.
/// </summary>
internal static class QaItemParser
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 8, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    public static QaItem? Parse(ReadOnlyMemory<byte> line, out string? problem)
    {
        if (!Utf8.IsValid(line.Span))
        {
            problem = $"invalid UTF-8 at byte {FirstInvalidUtf8(line.Span) + 1} of the line";
            return null;
        }
        JsonDocument document;
        try { document = JsonDocument.Parse(line, Options); }
        catch (JsonException e)
        {
            problem = $"malformed JSON at byte {(e.BytePositionInLine ?? 0) + 1}: {TrimPosition(e.Message)}";
            return null;
        }
        using (document)
        {
            try { return FromObject(document.RootElement, out problem); }
            catch (InvalidOperationException e) // a string with an unpaired surrogate escape such as "\ud800"
            {
                problem = $"a field holds text that is not valid Unicode ({e.Message})";
                return null;
            }
        }
    }

    private static QaItem? FromObject(JsonElement root, out string? problem)
    {
        if (root.ValueKind != JsonValueKind.Object) { problem = $"expected a JSON object, found {Kind(root)}"; return null; }
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
            if (!fields.TryAdd(property.Name, property.Value)) { problem = $"field '{property.Name}' appears twice"; return null; }

        if ((problem = RequireText(fields, "id", out var id)) is not null) return null;
        if ((problem = RequireText(fields, "task", out var task)) is not null) return null;
        if ((problem = RequireText(fields, "question", out var question)) is not null) return null;
        if ((problem = ReadChoices(fields, out var choices)) is not null) return null;
        if ((problem = ReadAnswer(fields, choices!.Count, out var answer)) is not null) return null;
        if ((problem = ReadContext(fields, out var context)) is not null) return null;
        return new QaItem(id!, task!, question!, choices, answer, context);
    }

    private static string? RequireText(Dictionary<string, JsonElement> fields, string name, out string? value)
    {
        value = null;
        if (!fields.TryGetValue(name, out var element)) return $"missing field '{name}'";
        if (element.ValueKind != JsonValueKind.String) return $"field '{name}' must be a string, found {Kind(element)}";
        value = element.GetString()!;
        return string.IsNullOrWhiteSpace(value) ? $"field '{name}' is empty" : null;
    }

    private static string? ReadChoices(Dictionary<string, JsonElement> fields, out List<string>? choices)
    {
        choices = null;
        if (!fields.TryGetValue("choices", out var element)) return "missing field 'choices'";
        if (element.ValueKind != JsonValueKind.Array) return $"field 'choices' must be an array of strings, found {Kind(element)}";
        var list = new List<string>();
        foreach (var choice in element.EnumerateArray())
        {
            if (choice.ValueKind != JsonValueKind.String) return $"choice {list.Count} must be a string, found {Kind(choice)}";
            var text = choice.GetString()!;
            if (string.IsNullOrWhiteSpace(text)) return $"choice {list.Count} is empty";
            list.Add(text);
        }
        if (list.Count < 2) return $"field 'choices' has {list.Count} entr{(list.Count == 1 ? "y" : "ies")}; at least 2 are needed";
        choices = list;
        return null;
    }

    private static string? ReadAnswer(Dictionary<string, JsonElement> fields, int choiceCount, out int answer)
    {
        answer = -1;
        if (!fields.TryGetValue("answer", out var element)) return "missing field 'answer'";
        if (element.ValueKind != JsonValueKind.Number) return $"field 'answer' must be an integer index, found {Kind(element)}";
        if (!element.TryGetInt64(out var index)) return $"field 'answer' must be an integer index, found {element.GetRawText()}";
        if (index < 0 || index >= choiceCount) return $"field 'answer' is {index}, outside the {choiceCount} choices (0..{choiceCount - 1})";
        answer = (int)index;
        return null;
    }

    private static string? ReadContext(Dictionary<string, JsonElement> fields, out string? context)
    {
        context = null;
        if (!fields.TryGetValue("context", out var element) || element.ValueKind == JsonValueKind.Null) return null;
        if (element.ValueKind != JsonValueKind.String) return $"field 'context' must be a string or absent, found {Kind(element)}";
        context = element.GetString();
        return null;
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => element.ValueKind.ToString(),
    };

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done) return offset;
            offset += consumed;
        }
        return offset;
    }

    // System.Text.Json appends " LineNumber: 0 | BytePositionInLine: N."; the caller reports the position itself.
    private static string TrimPosition(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }
}
