namespace Crayon.Training;

/// <summary>
/// Which weights a fine-tune trains: every trainable tensor, or the per-layer modules named here
/// (llama.cpp names, e.g. "attn_q" selects blk.N.attn_q.weight in every layer). llama.cpp trains only
/// F32 tensors and never token_embd (so a classifier tied to the embedding stays fixed too).
/// </summary>
public sealed class TensorSelection
{
    /// <summary>The seven projections of a llama block: the usual LoRA targets.</summary>
    public static IReadOnlyList<string> LlamaProjections { get; } = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];

    private TensorSelection(IReadOnlyList<string>? modules) => Modules = modules;

    /// <summary>Every tensor llama.cpp can train: a full fine-tune.</summary>
    public static TensorSelection All { get; } = new(null);

    /// <summary>The seven block projections (<see cref="LlamaProjections"/>).</summary>
    public static TensorSelection Projections { get; } = new(LlamaProjections);

    /// <summary>The named modules of every block, e.g. "attn_q", "attn_v".</summary>
    public static TensorSelection OfModules(IEnumerable<string> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var list = modules.Select(m => m.Trim()).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (list.Length == 0) throw new ArgumentException("name at least one module to train (e.g. attn_q, attn_v), or train all tensors");
        foreach (var m in list)
            if (m.Contains('.') || m.Any(char.IsWhiteSpace))
                throw new ArgumentException($"module '{m}' should be a block module name such as attn_q or ffn_down, without 'blk.N.' or '.weight'");
        return new TensorSelection(list);
    }

    /// <summary>"all", or a comma-separated module list.</summary>
    public static TensorSelection Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase) ? All : OfModules(text.Split(','));
    }

    /// <summary>The selected modules; null for every tensor.</summary>
    public IReadOnlyList<string>? Modules { get; }

    public bool IsAll => Modules is null;

    /// <summary>True when the GGUF tensor <paramref name="tensorName"/> is selected.</summary>
    public bool Matches(string tensorName) => Modules is null || ModuleOf(tensorName) is { } module && Modules.Contains(module, StringComparer.Ordinal);

    /// <summary>"attn_q" for "blk.3.attn_q.weight"; null for tensors outside the blocks or other than weights.</summary>
    public static string? ModuleOf(string tensorName)
    {
        if (!tensorName.StartsWith("blk.", StringComparison.Ordinal) || !tensorName.EndsWith(".weight", StringComparison.Ordinal)) return null;
        var rest = tensorName["blk.".Length..^".weight".Length];
        var dot = rest.IndexOf('.');
        if (dot <= 0 || !rest[..dot].All(char.IsAsciiDigit)) return null;
        var module = rest[(dot + 1)..];
        return module.Length == 0 || module.Contains('.') ? null : module;
    }

    public override string ToString() => Modules is null ? "all" : string.Join(",", Modules);
}
