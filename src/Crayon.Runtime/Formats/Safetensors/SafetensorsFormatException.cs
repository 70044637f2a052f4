namespace Crayon.Formats.Safetensors;

/// <summary>A safetensors file that is malformed; the message names the file, the field and the limit.</summary>
public sealed class SafetensorsFormatException(string source, string field, string problem, long? byteOffset = null, Exception? inner = null)
    : FileFormatException(source, field, problem, byteOffset, inner);
