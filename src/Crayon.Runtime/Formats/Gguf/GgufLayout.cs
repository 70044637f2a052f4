namespace Crayon.Formats.Gguf;

/// <summary>Where one tensor's bytes lie: <see cref="Offset"/> is relative to the data section, as GGUF stores it.</summary>
public readonly record struct GgufTensorLocation(GgufTensorInfo Info, long Offset);

/// <summary>
/// A GGUF file's header as parsed and validated, without the tensor bytes: what `crayon gguf info`
/// shows, and what the reader loads tensor data from. All offsets have been checked against the file length.
/// </summary>
public sealed class GgufLayout
{
    internal GgufLayout(string sourceName, uint version, GgufMetadata metadata, int alignment, long dataOffset,
        IReadOnlyList<GgufTensorLocation> tensors, long length)
    {
        SourceName = sourceName;
        Version = version;
        Metadata = metadata;
        Alignment = alignment;
        DataOffset = dataOffset;
        Tensors = tensors;
        Length = length;
    }

    public string SourceName { get; }
    public uint Version { get; }
    public GgufMetadata Metadata { get; }
    public int Alignment { get; }

    /// <summary>Absolute byte offset of the data section (the header padded to the alignment).</summary>
    public long DataOffset { get; }

    public IReadOnlyList<GgufTensorLocation> Tensors { get; }

    /// <summary>Length in bytes of the whole source.</summary>
    public long Length { get; }

    public static long Pad(long n, int alignment) => (n + alignment - 1) / alignment * alignment;

    /// <summary>general.alignment (a u32 power of two), or 32 when absent.</summary>
    public static int AlignmentOf(GgufMetadata metadata)
    {
        if (!metadata.TryGetValue(GgufKeys.Alignment, out var value)) return GgufKeys.DefaultAlignment;
        var field = $"metadata key '{GgufKeys.Alignment}'";
        if (value.IsArray || value.Type != GgufValueType.UInt32)
            throw new GgufFormatException(metadata.SourceName, field, $"has type {value.TypeName}, llama.cpp requires u32");
        var alignment = value.AsUInt32();
        if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > MaxAlignment)
            throw new GgufFormatException(metadata.SourceName, field, $"alignment {alignment} is not a power of two in [1, {MaxAlignment}]");
        return (int)alignment;
    }

    /// <summary>A sanity bound; real files use 32 (llama.cpp) and at most a page or two.</summary>
    public const int MaxAlignment = 1 << 24;
}
