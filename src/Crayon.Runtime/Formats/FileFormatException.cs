namespace Crayon.Formats;

/// <summary>
/// Input bytes that are malformed or do not hold what the caller needs. The message always names the
/// source, the field (header field, key, tensor name) and, where the bytes were at fault, the byte
/// offset and the limit that was exceeded.
/// </summary>
public class FileFormatException : Exception
{
    public FileFormatException(string source, string field, string problem, long? byteOffset = null, Exception? inner = null)
        : base(Compose(source, field, problem, byteOffset), inner)
    {
        SourceName = source;
        Field = field;
        ByteOffset = byteOffset;
    }

    /// <summary>The file path, or a caller-given name for in-memory data.</summary>
    public string SourceName { get; }

    /// <summary>What was being read: "header", "metadata key 'general.alignment'", "tensor 'blk.0.attn_q.weight'".</summary>
    public string Field { get; }

    /// <summary>Where in the source the offending bytes start, when the bytes were at fault.</summary>
    public long? ByteOffset { get; }

    private static string Compose(string source, string field, string problem, long? offset) =>
        offset is { } at ? $"{source}: {field} (at byte {at}): {problem}" : $"{source}: {field}: {problem}";
}
