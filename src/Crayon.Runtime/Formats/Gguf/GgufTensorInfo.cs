using System.Text;

namespace Crayon.Formats.Gguf;

/// <summary>
/// What a GGUF tensor is: its name, its dimensions innermost first (GGUF/ggml order, so a PyTorch
/// weight of shape (out, in) is [in, out]) and its element type. Construction validates everything
/// llama.cpp checks: a non-empty name under 64 bytes, at most 4 dimensions, none negative, a first
/// dimension that is a whole number of blocks, and a byte size that fits in 64 bits.
/// </summary>
public sealed class GgufTensorInfo : IEquatable<GgufTensorInfo>
{
    /// <summary>llama.cpp's GGML_MAX_NAME is 64 including the terminating NUL.</summary>
    public const int MaxNameBytes = 63;

    /// <summary>GGML_MAX_DIMS.</summary>
    public const int MaxDimensions = 4;

    private readonly long[] _dimensions;

    public GgufTensorInfo(string name, ReadOnlySpan<long> dimensions, GgmlType type)
    {
        var problem = Validate(name, dimensions, (uint)type, out var elements, out var bytes);
        if (problem is not null) throw new ArgumentException($"tensor '{name}': {problem}");
        Name = name;
        _dimensions = dimensions.ToArray();
        Type = type;
        ElementCount = elements;
        ByteSize = bytes;
    }

    public string Name { get; }

    /// <summary>Dimensions innermost first (ne[0], ne[1], …), as many as the file stored.</summary>
    public IReadOnlyList<long> Dimensions => _dimensions;

    public GgmlType Type { get; }

    public long ElementCount { get; }

    public long ByteSize { get; }

    /// <summary>
    /// Returns null when the description is valid, otherwise what is wrong. Shared by the constructor and
    /// the reader, which must turn the same problems into format errors with a byte offset.
    /// </summary>
    internal static string? Validate(string name, ReadOnlySpan<long> dims, uint rawType, out long elements, out long bytes)
    {
        elements = 0;
        bytes = 0;
        if (string.IsNullOrEmpty(name)) return "the name is empty";
        var nameBytes = Encoding.UTF8.GetByteCount(name);
        if (nameBytes > MaxNameBytes) return $"the name is {nameBytes} bytes; llama.cpp allows at most {MaxNameBytes}";
        if (dims.Length > MaxDimensions) return $"{dims.Length} dimensions; at most {MaxDimensions} are allowed";
        if (!GgmlTypeTraits.IsKnown(rawType)) return $"ggml type {rawType} is unknown or no longer allowed in GGUF files";
        var traits = GgmlTypeTraits.Of((GgmlType)rawType);
        Int128 count = 1;
        for (var i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0) return $"dimension {i} is {dims[i]}; dimensions must not be negative";
            count *= dims[i];
            if (count > long.MaxValue) return "the element count overflows 64 bits";
        }
        var rowLength = dims.Length > 0 ? dims[0] : 1;
        if (rowLength % traits.BlockSize != 0)
            return $"the first dimension {rowLength} is not a multiple of the {traits.Name} block size {traits.BlockSize}";
        elements = (long)count;
        var size = (Int128)elements / traits.BlockSize * traits.TypeSize;
        if (size > long.MaxValue) return "the byte size overflows 64 bits";
        bytes = (long)size;
        return null;
    }

    public bool Equals(GgufTensorInfo? other) =>
        other is not null && Name == other.Name && Type == other.Type && _dimensions.AsSpan().SequenceEqual(other._dimensions);

    public override bool Equals(object? obj) => obj is GgufTensorInfo o && Equals(o);

    public override int GetHashCode() => HashCode.Combine(Name, Type, _dimensions.Length);

    public override string ToString() => $"{Name} [{string.Join(", ", _dimensions)}] {GgmlTypeTraits.NameOf(Type)}";
}
