using System.Text.RegularExpressions;

namespace Crayon.Importers.Peft;

/// <summary>
/// Maps PEFT LoRA tensor names of llama-family models to llama.cpp targets:
/// "base_model.model.model.layers.{i}.self_attn.q_proj.lora_A.weight" → ("blk.{i}.attn_q", A).
/// </summary>
public static partial class PeftModuleMap
{
    /// <summary>Hugging Face projection name → llama.cpp tensor name within a block.</summary>
    public static IReadOnlyDictionary<string, string> Modules { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["q_proj"] = "attn_q",
        ["k_proj"] = "attn_k",
        ["v_proj"] = "attn_v",
        ["o_proj"] = "attn_output",
        ["gate_proj"] = "ffn_gate",
        ["up_proj"] = "ffn_up",
        ["down_proj"] = "ffn_down",
    };

    public sealed record Match(int Layer, string Module, bool IsA)
    {
        public string Target => $"blk.{Layer}.{Modules[Module]}";
    }

    /// <summary>The llama.cpp target of a PEFT tensor name, or null with the reason it cannot be mapped.</summary>
    public static Match? TryMap(string tensorName, out string? whyNot)
    {
        whyNot = null;
        var m = TensorName().Match(tensorName);
        if (m.Success)
        {
            if (!int.TryParse(m.Groups["layer"].Value, out var layer) || layer > 100_000)
            {
                whyNot = "its layer index is out of range";
                return null;
            }
            return new Match(layer, m.Groups["module"].Value, m.Groups["half"].Value == "A");
        }
        whyNot = tensorName switch
        {
            _ when tensorName.Contains("lora_magnitude_vector", StringComparison.Ordinal) => "it is a DoRA magnitude vector (use_dora), which llama.cpp cannot apply",
            _ when tensorName.Contains("lora_embedding", StringComparison.Ordinal) => "LoRA on the token embedding is not supported",
            _ when tensorName.EndsWith(".bias", StringComparison.Ordinal) => "LoRA bias terms cannot be expressed as a llama.cpp LoRA",
            _ when tensorName.Contains(".lora_", StringComparison.Ordinal) =>
                $"it targets a module other than {string.Join(", ", Modules.Keys)} in a llama decoder layer",
            _ => "it is not a LoRA factor (a fully trained module saved with modules_to_save?)",
        };
        return null;
    }

    [GeneratedRegex(@"^(?:base_model\.model\.)?(?:model\.)?layers\.(?<layer>\d{1,6})\.(?:self_attn|mlp)\.(?<module>q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)\.lora_(?<half>A|B)(?:\.default)?\.weight$", RegexOptions.CultureInvariant)]
    private static partial Regex TensorName();
}
