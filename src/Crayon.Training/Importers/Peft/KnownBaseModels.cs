namespace Crayon.Importers.Peft;

/// <summary>
/// Attention head counts of base models whose PEFT adapters we import without a base GGUF at hand.
/// They are needed only to reorder q_proj/k_proj LoRA rows into llama.cpp's RoPE layout.
/// Values from each model's config.json (num_attention_heads, num_key_value_heads).
/// </summary>
public static class KnownBaseModels
{
    private static readonly Dictionary<string, (int Heads, int KvHeads)> Heads = new(StringComparer.OrdinalIgnoreCase)
    {
        ["HuggingFaceTB/SmolLM-135M"] = (9, 3),
        ["HuggingFaceTB/SmolLM2-135M"] = (9, 3),
        ["HuggingFaceTB/SmolLM-360M"] = (15, 5),
        ["HuggingFaceTB/SmolLM2-360M"] = (15, 5),
        ["HuggingFaceTB/SmolLM-1.7B"] = (32, 32),
        ["HuggingFaceTB/SmolLM2-1.7B"] = (32, 32),
    };

    /// <summary>Looks a model up by name, ignoring an "-Instruct" suffix.</summary>
    public static bool TryGetHeads(string? baseModel, out int heads, out int kvHeads)
    {
        heads = kvHeads = 0;
        if (string.IsNullOrWhiteSpace(baseModel)) return false;
        var name = baseModel.Trim().TrimEnd('/');
        if (name.EndsWith("-Instruct", StringComparison.OrdinalIgnoreCase)) name = name[..^"-Instruct".Length];
        if (!Heads.TryGetValue(name, out var h)) return false;
        (heads, kvHeads) = h;
        return true;
    }
}
