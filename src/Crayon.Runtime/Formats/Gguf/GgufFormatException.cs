namespace Crayon.Formats.Gguf;

/// <summary>A GGUF file (or in-memory image) that is malformed or does not hold what the caller needs.</summary>
public sealed class GgufFormatException(string source, string field, string problem, long? byteOffset = null, Exception? inner = null)
    : FileFormatException(source, field, problem, byteOffset, inner);
