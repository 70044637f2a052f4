using Crayon.Adapters;
using Crayon.Formats;
using Crayon.Formats.Gguf;
using Crayon.Formats.Safetensors;
using Crayon.Models;

namespace Crayon.Importers.Peft;

/// <param name="BaseModel">
/// A GGUF of the base model (only its header is read): gives the architecture and head counts, and every
/// LoRA target is checked to exist there with matching shape.
/// </param>
/// <param name="HeadCount">Query heads, when neither a base GGUF nor a known base model name gives them.</param>
/// <param name="HeadCountKv">KV heads (defaults to <paramref name="HeadCount"/>).</param>
/// <param name="Name">general.name of the adapter; defaults to the folder's name.</param>
public sealed record PeftImportOptions(string? BaseModel = null, int? HeadCount = null, int? HeadCountKv = null, string? Name = null);

/// <summary>
/// Converts a PEFT LoRA folder (adapter_config.json + adapter_model.safetensors) of a llama-family model
/// into a <see cref="LoraAdapter"/> named as llama.cpp expects: q/k/v/o_proj → attn_q/k/v/output,
/// gate/up/down_proj → ffn_gate/up/down, layer from "layers.{i}". Alpha and rank are carried (llama.cpp
/// scales by alpha / rank, as PEFT does); rsLoRA (alpha / √r) is folded into alpha. q_proj and k_proj B rows
/// are reordered into llama.cpp's RoPE layout, as convert_lora_to_gguf.py does. Configurations llama.cpp
/// cannot express (DoRA, fan_in_fan_out, LoRA biases, per-module alphas, saved full modules) are refused.
/// </summary>
public static class PeftImporter
{
    public const string WeightsFileName = "adapter_model.safetensors";

    public static void ImportToFile(string adapterDirectory, string outputPath, PeftImportOptions? options = null, GgmlType storage = GgmlType.F32) =>
        LoraAdapterGguf.WriteFile(Import(adapterDirectory, options), outputPath, storage);

    public static LoraAdapter Import(string adapterDirectory, PeftImportOptions? options = null)
    {
        options ??= new PeftImportOptions();
        ArgumentException.ThrowIfNullOrEmpty(adapterDirectory);
        if (!Directory.Exists(adapterDirectory)) throw new DirectoryNotFoundException($"PEFT adapter folder '{adapterDirectory}' does not exist");
        var configPath = Path.Combine(adapterDirectory, PeftAdapterConfig.FileName);
        var weightsPath = Path.Combine(adapterDirectory, WeightsFileName);
        if (!File.Exists(configPath)) throw new FileNotFoundException($"'{adapterDirectory}' has no {PeftAdapterConfig.FileName}; is it a PEFT adapter folder?", configPath);
        if (!File.Exists(weightsPath))
            throw new FileNotFoundException(File.Exists(Path.Combine(adapterDirectory, "adapter_model.bin"))
                ? $"'{adapterDirectory}' holds adapter_model.bin (a PyTorch pickle); only {WeightsFileName} is read — save the adapter with safe_serialization=True"
                : $"'{adapterDirectory}' has no {WeightsFileName}", weightsPath);

        var config = PeftAdapterConfig.Read(configPath);
        CheckSupported(config, configPath);
        var baseModel = options.BaseModel is { } b ? GgufReader.ReadLayout(b) : null;
        var heads = new HeadCounts(options, config, baseModel);
        var weights = SafetensorsReader.Read(weightsPath);

        var pairs = GroupPairs(weights)
            .OrderBy(p => p.Key.Layer).ThenBy(p => ModuleOrder(p.Key.Module))
            .Select(p => ToPair(weightsPath, p.Key, p.Value.A, p.Value.B, config, heads, baseModel))
            .ToList();
        if (pairs.Count == 0) throw new SafetensorsFormatException(weightsPath, "tensors", "hold no LoRA factors");

        var alpha = config.LoraAlpha;
        if (config.UseRslora)
        {
            // rsLoRA scales by alpha / sqrt(r); llama.cpp scales by alpha' / r, so alpha' = alpha * sqrt(r).
            var ranks = pairs.Select(p => p.Rank).Distinct().ToArray();
            if (ranks.Length != 1)
                throw new FileFormatException(configPath, "use_rslora", $"rsLoRA with differing ranks ({string.Join(", ", ranks)}) cannot be expressed with one alpha");
            alpha *= Math.Sqrt(ranks[0]);
        }

        var architecture = baseModel?.Metadata.GetString(GgufKeys.Architecture) ?? LlamaHyperparameters.Architecture;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [GgufKeys.Name] = options.Name ?? new DirectoryInfo(adapterDirectory).Name,
        };
        if (config.BaseModelNameOrPath is { Length: > 0 } baseName) metadata["crayon.peft.base_model"] = baseName;
        return new LoraAdapter(architecture, (float)alpha, pairs, metadata);
    }

    private static void CheckSupported(PeftAdapterConfig c, string path)
    {
        void Refuse(string field, string why) => throw new FileFormatException(path, field, why);
        if (!string.Equals(c.PeftType, "LORA", StringComparison.OrdinalIgnoreCase)) Refuse("peft_type", $"is '{c.PeftType}'; only LORA adapters convert");
        if (c.UseDora) Refuse("use_dora", "DoRA adapters need a magnitude vector llama.cpp cannot apply");
        if (c.FanInFanOut) Refuse("fan_in_fan_out", "is true (Conv1D-style weights); llama-family projections are nn.Linear");
        if (c.Bias != "none") Refuse("bias", $"is '{c.Bias}'; trained bias terms cannot be expressed as a llama.cpp LoRA");
        if (c.LoraBias) Refuse("lora_bias", "LoRA bias terms cannot be expressed as a llama.cpp LoRA");
        if (c.HasModulesToSave) Refuse("modules_to_save", "fully trained modules cannot be expressed as a LoRA");
        if (c.HasLayerReplication) Refuse("layer_replication", "replicated layers have no llama.cpp counterpart");
        if (c.AlphaPattern.Count > 0) Refuse("alpha_pattern", "per-module alphas cannot be expressed with llama.cpp's single adapter.lora.alpha");
        if (c.UseRslora && c.RankPattern.Count > 0) Refuse("rank_pattern", "rsLoRA with per-module ranks cannot be expressed with one alpha");
        foreach (var module in c.TargetModules ?? [])
            if (!PeftModuleMap.Modules.ContainsKey(module))
                Refuse("target_modules", $"'{module}' has no llama.cpp LoRA counterpart (supported: {string.Join(", ", PeftModuleMap.Modules.Keys)})");
    }

    private static Dictionary<PeftModuleMap.Match, (SafetensorsTensor? A, SafetensorsTensor? B)> GroupPairs(SafetensorsFile weights)
    {
        var pairs = new Dictionary<PeftModuleMap.Match, (SafetensorsTensor? A, SafetensorsTensor? B)>();
        foreach (var t in weights.Tensors)
        {
            var match = PeftModuleMap.TryMap(t.Name, out var whyNot)
                        ?? throw new SafetensorsFormatException(weights.SourceName, $"tensor '{t.Name}'", $"cannot be converted: {whyNot}");
            var key = match with { IsA = true };
            pairs.TryGetValue(key, out var pair);
            if ((match.IsA ? pair.A : pair.B) is not null)
                throw new SafetensorsFormatException(weights.SourceName, $"tensor '{t.Name}'", $"is a second lora_{(match.IsA ? "A" : "B")} for {match.Target}");
            pairs[key] = match.IsA ? (t, pair.B) : (pair.A, t);
        }
        return pairs;
    }

    private static LoraPair ToPair(string source, PeftModuleMap.Match m, SafetensorsTensor? a, SafetensorsTensor? b,
        PeftAdapterConfig config, HeadCounts heads, GgufLayout? baseModel)
    {
        var field = $"LoRA pair '{m.Target}' (layers.{m.Layer}.{m.Module})";
        if (a is null || b is null)
            throw new SafetensorsFormatException(source, field, $"is missing its lora_{(a is null ? "A" : "B")} tensor");
        var (rank, inFeatures) = Matrix(source, a);
        var (outFeatures, rankB) = Matrix(source, b);
        if (rank != rankB)
            throw new SafetensorsFormatException(source, field, $"lora_A [{rank}, {inFeatures}] has rank {rank} but lora_B [{outFeatures}, {rankB}] has rank {rankB}");
        if (config.RankPattern.Count == 0 && rank != config.Rank)
            throw new SafetensorsFormatException(source, field, $"has rank {rank} but adapter_config.json says r = {config.Rank}");

        var bValues = Finite(source, b);
        if (m.Module is "q_proj" or "k_proj")
        {
            var h = m.Module == "q_proj" ? heads.Query(source, field) : heads.KeyValue(source, field);
            if (outFeatures % h != 0 || outFeatures / h % 2 != 0)
                throw new SafetensorsFormatException(source, field, $"{outFeatures} output rows do not split into {h} heads of an even size");
            bValues = LlamaRopePermutation.PermuteRows(bValues, outFeatures, rank, h);
        }
        if (baseModel is not null) CheckAgainstBase(baseModel, m.Target, inFeatures, outFeatures, source);
        return new LoraPair(m.Target, new LoraMatrix(rank, inFeatures, Finite(source, a)), new LoraMatrix(outFeatures, rank, bValues));
    }

    private static (int Rows, int Cols) Matrix(string source, SafetensorsTensor t)
    {
        if (t.Dtype is not (SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16))
            throw new SafetensorsFormatException(source, $"tensor '{t.Name}'", $"is {SafetensorsDtypes.Name(t.Dtype)}; LoRA factors must be F32, F16 or BF16");
        if (t.Shape.Count != 2 || t.Shape[0] < 1 || t.Shape[1] < 1 || t.Shape[0] > int.MaxValue || t.Shape[1] > int.MaxValue)
            throw new SafetensorsFormatException(source, $"tensor '{t.Name}'", $"has shape [{string.Join(", ", t.Shape)}]; a LoRA factor is a non-empty 2-D matrix");
        return ((int)t.Shape[0], (int)t.Shape[1]);
    }

    private static float[] Finite(string source, SafetensorsTensor t)
    {
        var values = t.ToFloat32();
        for (var i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new SafetensorsFormatException(source, $"tensor '{t.Name}'", $"element {i} is {values[i]}; LoRA weights must be finite");
        return values;
    }

    private static void CheckAgainstBase(GgufLayout baseModel, string target, int inFeatures, int outFeatures, string source)
    {
        var name = target + ".weight";
        var tensor = baseModel.Tensors.FirstOrDefault(t => t.Info.Name == name);
        if (tensor.Info is null)
            throw new SafetensorsFormatException(source, $"LoRA pair '{target}'", $"targets '{name}', which the base model {baseModel.SourceName} does not have");
        var dims = tensor.Info.Dimensions;
        if (dims.Count < 2 || dims[0] != inFeatures || dims[1] != outFeatures)
            throw new SafetensorsFormatException(source, $"LoRA pair '{target}'",
                $"maps {inFeatures} → {outFeatures} features but '{name}' in {baseModel.SourceName} has dims [{string.Join(", ", dims)}]");
    }

    private static int ModuleOrder(string module) => module switch
    {
        "q_proj" => 0, "k_proj" => 1, "v_proj" => 2, "o_proj" => 3, "gate_proj" => 4, "up_proj" => 5, _ => 6,
    };

    /// <summary>Head counts for the RoPE row reordering, resolved only when a q_proj or k_proj pair needs them.</summary>
    private sealed class HeadCounts(PeftImportOptions options, PeftAdapterConfig config, GgufLayout? baseModel)
    {
        public int Query(string source, string field) => Resolve(source, field).Heads;
        public int KeyValue(string source, string field) => Resolve(source, field).KvHeads;

        private (int Heads, int KvHeads) Resolve(string source, string field)
        {
            if (options.HeadCount is { } h) return h > 0 ? (h, options.HeadCountKv ?? h) : throw new ArgumentOutOfRangeException(nameof(options), h, "HeadCount must be positive");
            if (baseModel is not null)
            {
                var m = baseModel.Metadata;
                var arch = m.GetString(GgufKeys.Architecture);
                var heads = (int)m.GetInteger(GgufKeys.Arch(arch, "attention.head_count"), 1, 1 << 16);
                var kv = m.ContainsKey(GgufKeys.Arch(arch, "attention.head_count_kv"))
                    ? (int)m.GetInteger(GgufKeys.Arch(arch, "attention.head_count_kv"), 1, 1 << 16) : heads;
                return (heads, kv);
            }
            if (KnownBaseModels.TryGetHeads(config.BaseModelNameOrPath, out var known, out var knownKv)) return (known, knownKv);
            throw new SafetensorsFormatException(source, field,
                $"q_proj/k_proj rows must be reordered by attention head for llama.cpp, and the head counts of base model " +
                $"'{config.BaseModelNameOrPath ?? "unknown"}' are not known: pass the base model GGUF (--base) or --heads/--kv-heads");
        }
    }
}
