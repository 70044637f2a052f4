using System.Globalization;
using System.Text.Json;
using Crayon.Formats;
using Crayon.Llama;
using Crayon.Pool;

namespace Crayon.Customization;

/// <summary>
/// <see cref="ExampleEmbeddings"/> as a JSON file:
/// <code>{"format": "crayon.example-embeddings", "version": 1, "model": {"name", "architecture", "fingerprint"},
///  "signal": "query" | "hidden", "dimension": D, "embeddings": [[D numbers], ...]}</code>
/// The reader trusts nothing: size, nesting, types, counts, dimensions and finiteness are checked, and every
/// problem names the file and the field.
/// </summary>
public static class ExampleEmbeddingsFile
{
    public const string Format = "crayon.example-embeddings";
    public const int Version = 1;

    /// <summary>Files above this are refused before parsing.</summary>
    public const long MaxBytes = 16L * 1024 * 1024;

    public const int MaxVectors = 10_000;
    public const int MaxDimension = 65_536;

    public static void Write(string path, ExampleEmbeddings embeddings) => AtomicFile.Write(path, ToBytes(embeddings));

    public static byte[] ToBytes(ExampleEmbeddings embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", Version);
            json.WriteStartObject("model");
            json.WriteString("name", embeddings.Model.Name);
            json.WriteString("architecture", embeddings.Model.Architecture);
            json.WriteString("fingerprint", embeddings.Model.Fingerprint);
            json.WriteEndObject();
            json.WriteString("signal", ExampleEmbeddings.Name(embeddings.Signal));
            json.WriteNumber("dimension", embeddings.Dimension);
            json.WriteStartArray("embeddings");
            foreach (var vector in embeddings.Vectors)
            {
                json.WriteStartArray();
                foreach (var v in vector) json.WriteRawValue(v.ToString("R", CultureInfo.InvariantCulture));
                json.WriteEndArray();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <exception cref="ExampleEmbeddingsFormatException">the file is too large or not a valid embeddings file.</exception>
    public static ExampleEmbeddings Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var info = new FileInfo(path);
        if (!info.Exists) throw new FileNotFoundException($"embeddings file not found: {path}", path);
        if (info.Length > MaxBytes) throw new ExampleEmbeddingsFormatException(path, "file", $"has {info.Length:N0} bytes, over the limit of {MaxBytes:N0}");
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <exception cref="ExampleEmbeddingsFormatException">not a valid embeddings document.</exception>
    public static ExampleEmbeddings Parse(ReadOnlyMemory<byte> bytes, string source)
    {
        if (bytes.Length > MaxBytes) throw new ExampleEmbeddingsFormatException(source, "file", $"has {bytes.Length:N0} bytes, over the limit of {MaxBytes:N0}");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw new ExampleEmbeddingsFormatException(source, "JSON", $"is malformed at line {(e.LineNumber ?? 0) + 1}: {FirstSentence(e.Message)}");
        }
        using (document)
        {
            try
            {
                return FromRoot(document.RootElement, source);
            }
            catch (InvalidOperationException e) // text with an unpaired surrogate escape
            {
                throw new ExampleEmbeddingsFormatException(source, "text", $"is not valid Unicode ({e.Message})");
            }
        }
    }

    private static ExampleEmbeddings FromRoot(JsonElement root, string source)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new ExampleEmbeddingsFormatException(source, "document", $"must be a JSON object, found {root.ValueKind}");
        var format = Text(root, "format", source);
        if (format != Format) throw new ExampleEmbeddingsFormatException(source, "field 'format'", $"is '{format}', expected '{Format}' (make the file with `crayon embed --examples`)");
        var version = Integer(root, "version", source, 1, int.MaxValue);
        if (version != Version) throw new ExampleEmbeddingsFormatException(source, "field 'version'", $"is {version}; this Crayon reads version {Version}");
        var model = Field(root, "model", source);
        if (model.ValueKind != JsonValueKind.Object) throw new ExampleEmbeddingsFormatException(source, "field 'model'", "must be an object");
        var identity = new PoolModel(Text(model, "name", source, "model."), Text(model, "architecture", source, "model."), Text(model, "fingerprint", source, "model."));
        var signal = Text(root, "signal", source) switch
        {
            "query" => EmbeddingSignal.Query,
            "hidden" => EmbeddingSignal.Hidden,
            var other => throw new ExampleEmbeddingsFormatException(source, "field 'signal'", $"is '{other}', expected 'query' or 'hidden'"),
        };
        var dimension = Integer(root, "dimension", source, 1, MaxDimension);
        var list = Field(root, "embeddings", source);
        if (list.ValueKind != JsonValueKind.Array) throw new ExampleEmbeddingsFormatException(source, "field 'embeddings'", "must be an array of arrays of numbers");
        var count = list.GetArrayLength();
        if (count == 0) throw new ExampleEmbeddingsFormatException(source, "field 'embeddings'", "is empty; at least one example is needed");
        if (count > MaxVectors) throw new ExampleEmbeddingsFormatException(source, "field 'embeddings'", $"has {count:N0} entries, over the limit of {MaxVectors:N0}");
        var vectors = new float[count][];
        var i = 0;
        foreach (var entry in list.EnumerateArray())
        {
            var field = $"embeddings[{i}]";
            if (entry.ValueKind != JsonValueKind.Array) throw new ExampleEmbeddingsFormatException(source, field, "must be an array of numbers");
            if (entry.GetArrayLength() != dimension)
                throw new ExampleEmbeddingsFormatException(source, field, $"has {entry.GetArrayLength()} values, but 'dimension' says {dimension}");
            var vector = new float[dimension];
            var j = 0;
            foreach (var value in entry.EnumerateArray())
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetSingle(out var f) || !float.IsFinite(f))
                    throw new ExampleEmbeddingsFormatException(source, $"{field}[{j}]", $"is {Shorten(value.GetRawText())}; expected a finite number");
                vector[j++] = f;
            }
            if (vector.All(v => v == 0)) throw new ExampleEmbeddingsFormatException(source, field, "is the zero vector, which has no direction");
            vectors[i++] = vector;
        }
        return new ExampleEmbeddings(identity, signal, vectors);
    }

    private static JsonElement Field(JsonElement parent, string name, string source, string prefix = "") =>
        parent.TryGetProperty(name, out var value) ? value : throw new ExampleEmbeddingsFormatException(source, $"field '{prefix}{name}'", "is missing");

    private static string Text(JsonElement parent, string name, string source, string prefix = "")
    {
        var value = Field(parent, name, source, prefix);
        if (value.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(value.GetString()))
            throw new ExampleEmbeddingsFormatException(source, $"field '{prefix}{name}'", "must be a non-empty string");
        return value.GetString()!;
    }

    private static int Integer(JsonElement parent, string name, string source, int min, int max)
    {
        var value = Field(parent, name, source);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n) || n < min || n > max)
            throw new ExampleEmbeddingsFormatException(source, $"field '{name}'", $"is {Shorten(value.GetRawText())}; expected an integer from {min} to {max:N0}");
        return n;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }
}

/// <summary>An example-embeddings file that cannot be used.</summary>
public sealed class ExampleEmbeddingsFormatException(string source, string field, string problem) : FileFormatException(source, field, problem);
