using Crayon.Server.Adapters;
using Crayon.Server.Http;

namespace Crayon.Server.Customizations;

/// <summary>
/// Customizations registered through POST /v1/crayon/customizations (pool and alpha, never examples), each named by
/// an id derived from its key: registering the same customization twice returns the same id and takes no new room.
/// At most <see cref="Capacity"/> are kept; beyond that registration is refused (429) rather than evicting ids
/// clients still hold.
/// </summary>
public sealed class CustomizationStore(ServedCustomizers customizers, int capacity)
{
    private readonly Dictionary<string, AdapterChoice> _byId = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int Capacity { get; } = capacity;

    public int Count
    {
        get { lock (_gate) return _byId.Count; }
    }

    /// <returns>The id and whether it was new.</returns>
    public (string Id, AdapterChoice Choice) Register(string pool, float[] alpha, Crayon.Blending.BlendRecipe recipe)
    {
        var choice = customizers.Choose(pool, alpha, recipe, "");
        var id = "cz-" + choice.Key[(choice.Key.LastIndexOf(':') + 1)..][..32];
        lock (_gate)
        {
            if (_byId.TryGetValue(id, out var known)) return (id, known);
            if (_byId.Count >= Capacity)
                throw new ApiException(429, $"the server already holds {Capacity} registered customizations (--max-customizations); send \"pool\" and \"alpha\" inline instead",
                    type: "customization_limit_reached", code: "customization_limit_reached");
            _byId[id] = choice;
            return (id, choice);
        }
    }

    /// <exception cref="ApiException">400 naming <paramref name="field"/> when the id is unknown.</exception>
    public AdapterChoice Get(string id, string field)
    {
        lock (_gate)
            if (_byId.TryGetValue(id, out var choice)) return choice;
        throw ApiException.BadField(field, $"names customization '{id}', which is not registered on this server (POST /v1/crayon/customizations first)", "customization_not_found");
    }
}
