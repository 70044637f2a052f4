namespace Crayon.Formats.Gguf;

/// <summary>
/// The key/value section of a GGUF file, in file order (order is kept so that an unchanged file is
/// written back byte for byte). Keys are unique. The typed getters throw <see cref="GgufFormatException"/>
/// naming the source and key when a key is missing or has another type, because that is a fault of the file.
/// </summary>
public sealed class GgufMetadata : IEnumerable<KeyValuePair<string, GgufValue>>
{
    private readonly List<KeyValuePair<string, GgufValue>> _entries = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public GgufMetadata(string sourceName = "<memory>")
    {
        SourceName = sourceName;
    }

    /// <summary>Where this metadata came from; used in error messages.</summary>
    public string SourceName { get; set; }

    public int Count => _entries.Count;

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public bool ContainsKey(string key) => _index.ContainsKey(key);

    public bool TryGetValue(string key, out GgufValue value)
    {
        if (_index.TryGetValue(key, out var i)) { value = _entries[i].Value; return true; }
        value = null!;
        return false;
    }

    public GgufValue? Find(string key) => TryGetValue(key, out var v) ? v : null;

    /// <summary>Gets a value, or sets it: an existing key keeps its position, a new key goes last.</summary>
    public GgufValue this[string key]
    {
        get => TryGetValue(key, out var v) ? v : throw Missing(key);
        set => Set(key, value);
    }

    public GgufMetadata Set(string key, GgufValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (_index.TryGetValue(key, out var i)) _entries[i] = new(key, value);
        else
        {
            _index[key] = _entries.Count;
            _entries.Add(new(key, value));
        }
        return this;
    }

    /// <summary>Adds a key that must not exist yet (the reader uses this to reject duplicate keys).</summary>
    public bool TryAdd(string key, GgufValue value)
    {
        if (_index.ContainsKey(key)) return false;
        Set(key, value);
        return true;
    }

    public bool Remove(string key)
    {
        if (!_index.Remove(key, out var i)) return false;
        _entries.RemoveAt(i);
        for (var j = i; j < _entries.Count; j++) _index[_entries[j].Key] = j;
        return true;
    }

    public GgufMetadata Clone()
    {
        var copy = new GgufMetadata(SourceName);
        foreach (var (k, v) in _entries) copy.Set(k, v);
        return copy;
    }

    // ---- typed getters ----------------------------------------------------------------------------------
    public string GetString(string key) => Typed(key, GgufValueType.String).AsString();
    public uint GetUInt32(string key) => Typed(key, GgufValueType.UInt32).AsUInt32();
    public float GetFloat32(string key) => Typed(key, GgufValueType.Float32).AsFloat32();
    public bool GetBool(string key) => Typed(key, GgufValueType.Bool).AsBool();

    /// <summary>An integer of any integer type, checked to lie in [min, max].</summary>
    public long GetInteger(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        var value = this[key];
        long n;
        try { n = value.ToInt64(); }
        catch (InvalidOperationException) { throw WrongType(key, value, "an integer"); }
        if (n < min || n > max) throw new GgufFormatException(SourceName, $"metadata key '{key}'", $"value {n} is outside [{min}, {max}]");
        return n;
    }

    public string? FindString(string key) => TryGetValue(key, out _) ? GetString(key) : null;

    /// <summary>The value, checked to have the given scalar type (or array element type when <paramref name="array"/>).</summary>
    public GgufValue Typed(string key, GgufValueType type, bool array = false)
    {
        var value = this[key];
        if (value.IsArray != array || (array ? value.ElementType : value.Type) != type)
            throw WrongType(key, value, array ? $"arr[{GgufValueTypes.Name(type)}]" : GgufValueTypes.Name(type));
        return value;
    }

    private GgufFormatException Missing(string key) =>
        new(SourceName, $"metadata key '{key}'", "is missing");

    private GgufFormatException WrongType(string key, GgufValue value, string wanted) =>
        new(SourceName, $"metadata key '{key}'", $"has type {value.TypeName}, expected {wanted}");

    public IEnumerator<KeyValuePair<string, GgufValue>> GetEnumerator() => _entries.GetEnumerator();
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
