using System.Security.Cryptography;
using Crayon.Blending;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Server.Adapters;
using Crayon.Server.Blending;
using Crayon.Server.Http;

namespace Crayon.Server.Customizations;

/// <summary>
/// One <see cref="Customizer"/> per served pool built for the served model (created at start), and the adapter
/// choices requests make of them. A choice's key is the pool, the recipe (its full text form, parameters included) and
/// alpha's bytes (hashed), so equal customizations group in the scheduler. The recipe is the request's (linear when it
/// names none): every alpha of a pool under linear or a merge recipe has the same shape (rank r), so after a context's
/// first customization every later one of that shape is written in place into the tensors llama.cpp holds; concat's
/// shape depends on the adapters stacked, and a new shape loads once.
/// <para>
/// The blend cache is the slot itself: each context remembers the key its slot (per pool) last received. A turn
/// whose key matches only re-attaches the slot (no blend, no upload); any other key blends and swaps in place.
/// Nothing more is kept, so memory does not grow with the number of distinct customizations.
/// </para>
/// </summary>
public sealed class ServedCustomizers : IDisposable
{
    private readonly Dictionary<string, Customizer> _customizers;
    private readonly Dictionary<string, string> _refused;
    private readonly Dictionary<(Customizer, LlamaContext), string> _lastKey = new();
    private readonly Lock _gate = new();

    private readonly CustomizationSwap _swap;

    private ServedCustomizers(Dictionary<string, Customizer> customizers, Dictionary<string, string> refused, CustomizationSwap swap)
    {
        _customizers = customizers;
        _refused = refused;
        _swap = swap;
    }

    /// <summary>Pools built for another model (or a model served from memory, which has no file to identify) are served for /blend only.</summary>
    public static ServedCustomizers Create(LlamaModel model, string? modelPath, PoolRegistry pools, CustomizationSwap swap = CustomizationSwap.InPlace)
    {
        var customizers = new Dictionary<string, Customizer>(StringComparer.Ordinal);
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        var identity = modelPath is null ? null : PoolModelIdentity.Of(modelPath);
        try
        {
            foreach (var pool in pools.All)
            {
                if (identity is null) { refused[pool.Id] = "the server's model was given as an image, not a file, so pools cannot be checked against it"; continue; }
                try { pool.Artifact.EnsureBuiltFor(identity, $"pool '{pool.Id}'"); }
                catch (PoolMismatchException e) { refused[pool.Id] = e.Message + " (it is served for /v1/crayon/blend only)"; continue; }
                // The pool the blend endpoint blends, resident once on the blend device: one upload per pool, not one per use.
                customizers[pool.Id] = new Customizer(model, identity, pool.Artifact, pool.Resident, new CustomizerOptions { Mode = CustomizationMode.Linear });
            }
        }
        catch
        {
            foreach (var c in customizers.Values) c.Dispose();
            throw;
        }
        return new ServedCustomizers(customizers, refused, swap);
    }

    /// <summary>The adapter choice of <paramref name="alpha"/> on <paramref name="pool"/>; errors name <paramref name="field"/> (e.g. "crayon").</summary>
    /// <exception cref="ApiException">400 naming the pool or alpha field.</exception>
    public AdapterChoice Choose(string pool, float[] alpha, BlendRecipe recipe, string field)
    {
        ArgumentNullException.ThrowIfNull(recipe);
        var customizer = Get(pool, field);
        if (alpha.Length != customizer.Pool.Count)
            throw ApiException.BadField(Field(field, "alpha"), $"has {alpha.Length} weights but pool '{pool}' has {customizer.Pool.Count} adapters; give one weight per adapter");
        try
        {
            recipe.CheckWeights(alpha);
        }
        catch (ArgumentException e)
        {
            throw ApiException.BadField(Field(field, "alpha"), $"does not suit recipe {recipe.Name}: {e.Message}");
        }
        var bytes = new byte[alpha.Length * sizeof(float)];
        Buffer.BlockCopy(alpha, 0, bytes, 0, bytes.Length);
        // The hash covers the recipe's text form too: the id a registration returns is cut from its end.
        var key = $"crayon:{pool}:{recipe}:{Convert.ToHexStringLower(SHA256.HashData([.. System.Text.Encoding.UTF8.GetBytes(recipe.ToString() + "\n"), .. bytes]))}";
        var weights = alpha.Select(w => (double)w).ToArray();
        return new AdapterChoice(key, AdapterSet.None) { Customization = new ChosenCustomization(this, customizer, pool, weights, recipe) };
    }

    private static string Field(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}.{name}";

    /// <summary>Pools served for /v1/crayon/blend only, and why they cannot customize the served model.</summary>
    public IReadOnlyDictionary<string, string> Refused => _refused;

    /// <summary>The resident pools the customizers blend (the registry's own).</summary>
    public IEnumerable<ResidentPool> Residents => _customizers.Values.Select(c => c.ResidentPool!);

    /// <summary>The pools requests may customize with.</summary>
    public IReadOnlyCollection<string> Pools => _customizers.Keys;

    private Customizer Get(string pool, string field)
    {
        if (_customizers.TryGetValue(pool, out var customizer)) return customizer;
        if (_refused.TryGetValue(pool, out var why)) throw ApiException.BadField(Field(field, "pool"), $"names pool '{pool}', which cannot customize this model: {why}", "pool_not_customizable");
        throw ApiException.BadField(Field(field, "pool"), _customizers.Count + _refused.Count == 0
            ? $"names pool '{pool}', but this server holds no pools (start it with --pool)"
            : $"names pool '{pool}', which is not served; known pools: {string.Join(", ", _customizers.Keys.Concat(_refused.Keys).Order(StringComparer.Ordinal))}", "pool_not_found");
    }

    /// <summary>Makes <paramref name="choice"/>'s customization live on <paramref name="context"/>; the context's KV cache is dropped whenever its adapter changes.</summary>
    internal void Apply(AdapterChoice choice, ChosenCustomization customization, LlamaContext context)
    {
        if (_swap == CustomizationSwap.Reload)
        {
            Reload(customization, context);
            return;
        }
        var slot = (customization.Customizer, context);
        bool holdsIt;
        lock (_gate)
        {
            holdsIt = _lastKey.TryGetValue(slot, out var last) && last == choice.Key;
            if (!holdsIt) _lastKey.Remove(slot); // if the swap fails half way the slot's contents are unknown
        }
        // Only this turn uses the context, so its entry cannot change between the lookup and the swap.
        if (holdsIt)
        {
            // The slot still holds this blend; a plain-adapter turn in between only detached it.
            customization.Customizer.Restore(context);
            return;
        }
        customization.Customizer.Apply(customization.Alpha, context, customization.Recipe);
        lock (_gate) _lastKey[slot] = choice.Key;
    }

    /// <summary>The baseline: a fresh llama.cpp adapter per turn; the context keeps its own reference until its set is replaced.</summary>
    private static void Reload(ChosenCustomization customization, LlamaContext context)
    {
        var blend = customization.Customizer.BlendToHost(customization.Alpha, customization.Recipe);
        using var adapter = LlamaAdapter.Load(context.Model, Crayon.Adapters.LoraAdapterGguf.ToBytes(blend, Crayon.Formats.Gguf.GgmlType.F32), "crayon customization (reloaded)");
        context.ApplyAdapters(AdapterSet.Single(adapter));
    }

    public void Dispose()
    {
        foreach (var c in _customizers.Values) c.Dispose();
        _customizers.Clear();
    }
}

/// <summary>A request's customization: the pool's customizer, alpha and the blend recipe.</summary>
public sealed record ChosenCustomization(ServedCustomizers Owner, Customizer Customizer, string Pool, double[] Alpha, BlendRecipe Recipe);
