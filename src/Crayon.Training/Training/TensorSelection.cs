namespace Crayon.Training;

/// <summary>
/// Which weights a fine-tune trains: every trainable tensor, or the per-layer modules named here
/// (llama.cpp names, e.g. "attn_q" selects blk.N.attn_q.weight in every layer). llama.cpp trains only
/// F32 tensors and never token_embd (so a classifier tied to the embedding stays fixed too), and in
/// v0.5.0 attn_k and attn_v get no gradient: their outputs reach attention only through the KV cache,
/// and the cache write (SET_ROWS) has no backward pass. Naming them is an error; "all" leaves them out.
/// </summary>
public sealed class TensorSelection
{
    /// <summary>The projections of a llama block that llama.cpp can train: the LoRA targets.</summary>
    public static IReadOnlyList<string> LlamaProjections { get; } = ["attn_q", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];

    /// <summary>Block modules llama.cpp's training leaves unchanged, and why.</summary>
    public static IReadOnlyDictionary<string, string> UntrainableModules { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["attn_k"] = "keys reach attention only through the KV cache, whose write (SET_ROWS) passes no gradient in llama.cpp",
        ["attn_v"] = "values reach attention only through the KV cache, whose write (SET_ROWS) passes no gradient in llama.cpp",
    };

    private TensorSelection(IReadOnlyList<string>? modules) => Modules = modules;

    /// <summary>Every tensor llama.cpp can train: a full fine-tune.</summary>
    public static TensorSelection All { get; } = new(null);

    /// <summary>The trainable block projections (<see cref="LlamaProjections"/>).</summary>
    public static TensorSelection Projections { get; } = new(LlamaProjections);

    /// <summary>The named modules of every block, e.g. "attn_q", "ffn_up".</summary>
    public static TensorSelection OfModules(IEnumerable<string> modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        var list = modules.Select(m => m.Trim()).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (list.Length == 0) throw new ArgumentException("name at least one module to train (e.g. attn_q, ffn_up), or train all tensors");
        foreach (var m in list)
        {
            if (m.Contains('.') || m.Any(char.IsWhiteSpace))
                throw new ArgumentException($"module '{m}' should be a block module name such as attn_q or ffn_down, without 'blk.N.' or '.weight'");
            if (UntrainableModules.TryGetValue(m, out var reason))
                throw new ArgumentException($"module '{m}' cannot be trained: {reason}. Trainable block projections: {string.Join(", ", LlamaProjections)}");
        }
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
    public bool Matches(string tensorName) => ModuleOf(tensorName) is { } module
        ? Modules?.Contains(module, StringComparer.Ordinal) ?? !UntrainableModules.ContainsKey(module)
        : Modules is null;

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
