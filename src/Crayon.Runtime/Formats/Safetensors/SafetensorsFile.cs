namespace Crayon.Formats.Safetensors;

/// <summary>A parsed safetensors file: the free-form string metadata and the tensors, in data order.</summary>
public sealed class SafetensorsFile
{
    private readonly Dictionary<string, SafetensorsTensor> _byName;

    internal SafetensorsFile(string sourceName, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<SafetensorsTensor> tensors)
    {
        SourceName = sourceName;
        Metadata = metadata;
        Tensors = tensors;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    public string SourceName { get; }

    /// <summary>The header's "__metadata__" entries (e.g. format = pt).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public IReadOnlyList<SafetensorsTensor> Tensors { get; }

    public bool TryGetTensor(string name, out SafetensorsTensor tensor) => _byName.TryGetValue(name, out tensor!);

    public SafetensorsTensor this[string name] =>
        _byName.TryGetValue(name, out var t) ? t : throw new SafetensorsFormatException(SourceName, $"tensor '{name}'", "is missing");
}
