using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Crayon.Formats.Safetensors;

/// <summary>
/// Reads safetensors: an 8-byte little-endian header length, a JSON header mapping tensor names to
/// {dtype, shape, data_offsets} (plus an optional "__metadata__" of strings), then the data buffer.
/// Hardened like the GGUF reader and as strict as the reference implementation: the header length is
/// bounded, every tensor's byte range lies in the buffer, shape × dtype size equals its length, and the
/// ranges tile the buffer exactly (no gaps, no overlaps). Every failure is a <see cref="SafetensorsFormatException"/>.
/// </summary>
public static class SafetensorsReader
{
    /// <summary>The reference implementation's limit (safetensors MAX_HEADER_SIZE).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    private const int MaxJsonDepth = 8;
    private const string MetadataKey = "__metadata__";

    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"safetensors file '{path}' does not exist", path);
        var length = new FileInfo(path).Length;
        if (length > Array.MaxLength)
            throw new SafetensorsFormatException(path, "file", $"is {length} bytes; files over {Array.MaxLength} bytes cannot be loaded into memory");
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>Parses an in-memory file; tensor data are slices of <paramref name="bytes"/>.</summary>
    public static SafetensorsFile Read(ReadOnlyMemory<byte> bytes, string sourceName = "<memory>")
    {
        var span = bytes.Span;
        if (span.Length < 8)
            throw new SafetensorsFormatException(sourceName, "header length", $"needs 8 bytes but the file has {span.Length}", 0);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(span);
        if (headerLength > MaxHeaderBytes)
            throw new SafetensorsFormatException(sourceName, "header length", $"{headerLength} exceeds the limit of {MaxHeaderBytes} bytes", 0);
        if (headerLength > (ulong)(span.Length - 8))
            throw new SafetensorsFormatException(sourceName, "header length", $"{headerLength} exceeds the {span.Length - 8} bytes after it (truncated?)", 0);
        var header = span.Slice(8, (int)headerLength);
        if (header.Length == 0 || header[0] != (byte)'{')
            throw new SafetensorsFormatException(sourceName, "header", "does not start with '{'", 8);
        var data = bytes[(8 + (int)headerLength)..];

        using var json = ParseJson(header, sourceName);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<(string Name, SafetensorsDtype Dtype, long[] Shape, long Count, long Begin, long End)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            foreach (var property in json.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                    throw new SafetensorsFormatException(sourceName, $"header entry '{property.Name}'", "appears twice", 8);
                if (property.Name == MetadataKey) ReadMetadata(property.Value, sourceName, metadata);
                else entries.Add(ReadEntry(property, sourceName, data.Length));
            }
        }
        catch (InvalidOperationException e)
        {
            // An escape such as "\udc00" (a lone surrogate) is valid JSON but not valid text.
            throw new SafetensorsFormatException(sourceName, "header", $"holds a name or string that is not valid text: {e.Message}", 8, e);
        }

        CheckTiling(entries.Select(e => (e.Name, e.Begin, e.End)).ToList(), data.Length, sourceName);
        var tensors = entries.OrderBy(e => e.Begin).ThenBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => new SafetensorsTensor(e.Name, e.Dtype, e.Shape, e.Count, data.Slice((int)e.Begin, (int)(e.End - e.Begin))))
            .ToList();
        return new SafetensorsFile(sourceName, metadata, tensors);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static JsonDocument ParseJson(ReadOnlySpan<byte> header, string source)
    {
        try
        {
            // System.Text.Json accepts invalid UTF-8 inside strings and only fails when a name is read;
            // checking the whole header first keeps every failure a format error.
            StrictUtf8.GetCharCount(header);
            var document = JsonDocument.Parse(header.ToArray(), new JsonDocumentOptions { MaxDepth = MaxJsonDepth });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new SafetensorsFormatException(source, "header", "is not a JSON object", 8);
            }
            return document;
        }
        catch (JsonException e)
        {
            throw new SafetensorsFormatException(source, "header", $"is not valid JSON: {e.Message}", 8 + (e.BytePositionInLine ?? 0), e);
        }
        catch (DecoderFallbackException e)
        {
            throw new SafetensorsFormatException(source, "header", "is not valid UTF-8", 8, e);
        }
    }

    private static void ReadMetadata(JsonElement value, string source, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafetensorsFormatException(source, MetadataKey, "must be an object of strings");
        foreach (var entry in value.EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.String)
                throw new SafetensorsFormatException(source, $"{MetadataKey}.{entry.Name}", $"is a JSON {entry.Value.ValueKind}, expected a string");
            if (!metadata.TryAdd(entry.Name, entry.Value.GetString()!))
                throw new SafetensorsFormatException(source, $"{MetadataKey}.{entry.Name}", "appears twice");
        }
    }

    private static (string, SafetensorsDtype, long[], long, long, long) ReadEntry(JsonProperty property, string source, int dataLength)
    {
        var name = property.Name;
        var field = $"tensor '{name}'";
        if (name.Length == 0) throw new SafetensorsFormatException(source, "tensor ''", "has an empty name");
        var info = property.Value;
        if (info.ValueKind != JsonValueKind.Object) throw new SafetensorsFormatException(source, field, "must be an object with dtype, shape and data_offsets");

        var dtypeText = Member(info, "dtype", JsonValueKind.String, source, field).GetString()!;
        if (!SafetensorsDtypes.TryParse(dtypeText, out var dtype))
            throw new SafetensorsFormatException(source, field, $"dtype '{dtypeText}' is not a safetensors dtype this reader knows");

        var shapeJson = Member(info, "shape", JsonValueKind.Array, source, field);
        var shape = new long[shapeJson.GetArrayLength()];
        Int128 count = 1;
        var i = 0;
        foreach (var d in shapeJson.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var dim) || dim < 0)
                throw new SafetensorsFormatException(source, field, $"shape dimension {i} is {d.GetRawText()}; dimensions are non-negative integers");
            shape[i++] = dim;
            count *= dim;
            if (count > long.MaxValue) throw new SafetensorsFormatException(source, field, "the element count overflows 64 bits");
        }

        var offsets = Member(info, "data_offsets", JsonValueKind.Array, source, field);
        if (offsets.GetArrayLength() != 2)
            throw new SafetensorsFormatException(source, field, $"data_offsets has {offsets.GetArrayLength()} entries, expected [begin, end]");
        var begin = Offset(offsets[0], "begin", source, field);
        var end = Offset(offsets[1], "end", source, field);
        if (begin > end || end > dataLength)
            throw new SafetensorsFormatException(source, field, $"data_offsets [{begin}, {end}] do not lie within the {dataLength}-byte data buffer");
        var expected = count * SafetensorsDtypes.Size(dtype);
        if (expected != end - begin)
            throw new SafetensorsFormatException(source, field,
                $"shape [{string.Join(", ", shape)}] of {SafetensorsDtypes.Name(dtype)} needs {expected} bytes but data_offsets span {end - begin}");
        return (name, dtype, shape, (long)count, begin, end);
    }

    private static JsonElement Member(JsonElement info, string name, JsonValueKind kind, string source, string field)
    {
        if (!info.TryGetProperty(name, out var value)) throw new SafetensorsFormatException(source, field, $"has no '{name}'");
        if (value.ValueKind != kind) throw new SafetensorsFormatException(source, field, $"'{name}' is a JSON {value.ValueKind}, expected {kind}");
        return value;
    }

    private static long Offset(JsonElement value, string which, string source, string field) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var v) && v >= 0
            ? v
            : throw new SafetensorsFormatException(source, field, $"data_offsets {which} {value.GetRawText()} is not a non-negative integer");

    /// <summary>The byte ranges, sorted, must start at 0, follow each other without gap or overlap, and end at the buffer's end.</summary>
    private static void CheckTiling(List<(string Name, long Begin, long End)> ranges, int dataLength, string source)
    {
        ranges.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (var (name, begin, end) in ranges)
        {
            if (begin != expected)
                throw new SafetensorsFormatException(source, $"tensor '{name}'",
                    begin < expected ? $"data [{begin}, {end}) overlaps the previous tensor, which ends at {expected}" : $"data starts at {begin}, leaving a gap after byte {expected}");
            expected = end;
        }
        if (expected != dataLength)
            throw new SafetensorsFormatException(source, "data buffer", $"is {dataLength} bytes but the tensors cover {expected}");
    }
}
