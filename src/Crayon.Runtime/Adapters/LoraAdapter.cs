namespace Crayon.Adapters;

/// <summary>
/// A LoRA adapter in llama.cpp's convention (general.type=adapter, adapter.type=lora,
/// adapter.lora.alpha; tensors blk.N.&lt;name&gt;.weight.lora_a / .lora_b). llama.cpp applies
/// ΔW = scale · (alpha / rank) · B·A per pair, with the rank read from each pair's B.
/// </summary>
public sealed class LoraAdapter
{
    public LoraAdapter(string architecture, float alpha, IReadOnlyList<LoraPair> pairs, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(architecture);
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("a LoRA adapter needs at least one tensor pair", nameof(pairs));
        if (!float.IsFinite(alpha)) throw new ArgumentException($"adapter.lora.alpha must be finite, got {alpha}", nameof(alpha));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in pairs)
            if (!seen.Add(p.Target)) throw new ArgumentException($"LoRA target '{p.Target}' appears twice", nameof(pairs));
        Architecture = architecture;
        Alpha = alpha;
        Pairs = pairs;
        Metadata = metadata ?? new Dictionary<string, string>();
    }

    /// <summary>general.architecture of the model this adapter is for, e.g. "llama".</summary>
    public string Architecture { get; }

    /// <summary>adapter.lora.alpha.</summary>
    public float Alpha { get; }

    public IReadOnlyList<LoraPair> Pairs { get; }

    /// <summary>Extra string metadata carried into GGUF (e.g. "general.name", Crayon provenance).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The rank shared by all pairs, or null when pairs differ.</summary>
    public int? UniformRank => Pairs.All(p => p.Rank == Pairs[0].Rank) ? Pairs[0].Rank : null;

    public long ParameterCount => Pairs.Sum(p => (long)p.A.Data.Length + p.B.Data.Length);
}
