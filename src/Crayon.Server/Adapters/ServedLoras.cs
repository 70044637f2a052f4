using System.Globalization;
using Crayon.Llama;
using Crayon.Server.Http;

namespace Crayon.Server.Adapters;

/// <summary>One --lora adapter: its index (what "id" names), file and current global scale.</summary>
public sealed record ServedLora(int Id, string Path, LlamaAdapter Adapter, float Scale);

/// <summary>
/// The --lora adapters, loaded once at start for the served model, and the adapter choices requests
/// make of them: the global scales (GET/POST /lora-adapters) for requests without a "lora" field, or
/// the request's own list. Equal choices share one <see cref="AdapterSet"/> object, so a context that
/// already computes with it is not re-planned.
/// </summary>
public sealed class ServedLoras : IDisposable
{
    private const int MaxCachedChoices = 256;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, AdapterChoice> _choices = new(StringComparer.Ordinal);
    private ServedLora[] _adapters;
    private AdapterChoice _global;

    private ServedLoras(ServedLora[] adapters)
    {
        _adapters = adapters;
        _global = Choose(adapters.Select(a => new LoraScale(a.Id, a.Scale)).ToArray());
    }

    public static ServedLoras Load(LlamaModel model, IReadOnlyList<LoraSource> sources)
    {
        var loaded = new List<ServedLora>();
        try
        {
            foreach (var source in sources)
            {
                LlamaAdapter adapter;
                try { adapter = LlamaAdapter.Load(model, source.Path); }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    throw new IOException($"--lora '{source.Path}': cannot load it for this model: {e.Message}", e);
                }
                loaded.Add(new ServedLora(loaded.Count, source.Path, adapter, source.Scale));
            }
            return new ServedLoras(loaded.ToArray());
        }
        catch
        {
            foreach (var lora in loaded) lora.Adapter.Dispose();
            throw;
        }
    }

    /// <summary>The adapters with their global scales, by id.</summary>
    public IReadOnlyList<ServedLora> All
    {
        get { lock (_gate) return _adapters; }
    }

    /// <summary>What a request without a "lora" field computes with.</summary>
    public AdapterChoice Global
    {
        get { lock (_gate) return _global; }
    }

    /// <summary>POST /lora-adapters: new global scales (adapters not named get 0). Requests in flight keep theirs.</summary>
    public AdapterChoice SetGlobal(IReadOnlyList<LoraScale> scales, string field)
    {
        var choice = Resolve(scales, field);
        lock (_gate)
        {
            _adapters = _adapters.Select(a => a with { Scale = scales.FirstOrDefault(s => s.Id == a.Id).Scale }).ToArray();
            _global = choice;
        }
        return choice;
    }

    /// <summary>A request's "lora" list as a choice; ids are checked against the adapters served.</summary>
    /// <exception cref="ApiException">400 naming the entry whose id is not served.</exception>
    public AdapterChoice Resolve(IReadOnlyList<LoraScale> scales, string field)
    {
        for (var i = 0; i < scales.Count; i++)
            if (scales[i].Id >= _adapters.Length)
                throw ApiException.BadField(field.Length == 0 ? $"[{i}].id" : $"{field}[{i}].id", _adapters.Length == 0
                    ? $"is {scales[i].Id} but this server serves no LoRA adapters (start it with --lora FILE)"
                    : $"is {scales[i].Id} but this server serves adapters 0 to {_adapters.Length - 1} (see GET /lora-adapters)");
        lock (_gate) return Choose(scales);
    }

    private AdapterChoice Choose(IReadOnlyList<LoraScale> scales)
    {
        // Zero-scale adapters change nothing: leave them out, so "[{id:0, scale:0}]" and "[]" are one choice.
        var active = scales.Where(s => s.Scale != 0).OrderBy(s => s.Id).ToArray();
        if (active.Length == 0) return AdapterChoice.None;
        var key = "lora:" + string.Join(",", active.Select(s => s.Id.ToString(CultureInfo.InvariantCulture) + "×" + s.Scale.ToString("R", CultureInfo.InvariantCulture)));
        if (_choices.TryGetValue(key, out var known)) return known;
        var choice = new AdapterChoice(key, AdapterSet.Mix(active.Select(s => (_adapters[s.Id].Adapter, s.Scale)).ToArray()));
        if (_choices.Count >= MaxCachedChoices) _choices.Clear(); // bounded: a flood of distinct scales cannot grow memory
        _choices[key] = choice;
        return choice;
    }

    public void Dispose()
    {
        foreach (var lora in _adapters) lora.Adapter.Dispose();
    }
}
