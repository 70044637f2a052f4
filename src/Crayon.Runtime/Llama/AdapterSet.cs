namespace Crayon.Llama;

/// <summary>
/// An immutable choice of loaded adapters with their scales: none, one, or several applied together
/// at every token (runtime mix). Applying a set to a context or engine takes references on its
/// adapters; see <see cref="LlamaAdapter"/>.
/// </summary>
public sealed class AdapterSet
{
    private AdapterSet(IReadOnlyList<(LlamaAdapter Adapter, float Scale)> entries) => Entries = entries;

    public static AdapterSet None { get; } = new([]);

    public static AdapterSet Single(LlamaAdapter adapter, float scale = 1f) => Mix((adapter, scale));

    public static AdapterSet Mix(params (LlamaAdapter Adapter, float Scale)[] entries)
    {
        var seen = new HashSet<LlamaAdapter>();
        LlamaModel? model = null;
        foreach (var (adapter, scale) in entries)
        {
            ArgumentNullException.ThrowIfNull(adapter);
            if (!float.IsFinite(scale)) throw new ArgumentException($"scale of adapter '{adapter.Name}' must be finite, got {scale}");
            if (!seen.Add(adapter)) throw new ArgumentException($"adapter '{adapter.Name}' appears twice in one set; give it one scale");
            model ??= adapter.Model;
            if (!ReferenceEquals(model, adapter.Model))
                throw new ArgumentException($"adapters '{entries[0].Adapter.Name}' and '{adapter.Name}' belong to different models");
        }
        return entries.Length == 0 ? None : new AdapterSet(entries.ToArray());
    }

    public IReadOnlyList<(LlamaAdapter Adapter, float Scale)> Entries { get; }

    public bool IsEmpty => Entries.Count == 0;

    internal void AddReferences()
    {
        var taken = 0;
        try
        {
            foreach (var (adapter, _) in Entries) { adapter.AddReference(); taken++; }
        }
        catch
        {
            for (var i = 0; i < taken; i++) Entries[i].Adapter.ReleaseReference();
            throw;
        }
    }

    internal void ReleaseReferences()
    {
        foreach (var (adapter, _) in Entries) adapter.ReleaseReference();
    }

    public override string ToString() => IsEmpty ? "(no adapter)" : string.Join(" + ", Entries.Select(e => $"{e.Adapter.Name}×{e.Scale:g}"));
}
