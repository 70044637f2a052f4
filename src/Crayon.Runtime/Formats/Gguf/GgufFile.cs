namespace Crayon.Formats.Gguf;

/// <summary>A whole GGUF file in memory: metadata in file order and tensors in file order, with their bytes.</summary>
public sealed class GgufFile
{
    public const uint CurrentVersion = 3;

    private readonly Dictionary<string, GgufTensor> _byName = new(StringComparer.Ordinal);

    public GgufFile(GgufMetadata metadata, IEnumerable<GgufTensor> tensors, uint version = CurrentVersion)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(tensors);
        Metadata = metadata;
        Tensors = tensors.ToArray();
        foreach (var t in Tensors)
            if (!_byName.TryAdd(t.Name, t)) throw new ArgumentException($"tensor '{t.Name}' appears twice");
        Version = version;
    }

    public uint Version { get; }

    public GgufMetadata Metadata { get; }

    public IReadOnlyList<GgufTensor> Tensors { get; }

    public string SourceName => Metadata.SourceName;

    /// <summary>general.alignment, or 32 when absent.</summary>
    public int Alignment => GgufLayout.AlignmentOf(Metadata);

    public bool TryGetTensor(string name, out GgufTensor tensor) => _byName.TryGetValue(name, out tensor!);

    /// <summary>The named tensor; a missing one is a format error naming the file and the tensor.</summary>
    public GgufTensor this[string name] =>
        _byName.TryGetValue(name, out var t) ? t : throw new GgufFormatException(SourceName, $"tensor '{name}'", "is missing");
}
