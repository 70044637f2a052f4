using System.Text.Json;
using Crayon.Formats;

namespace Crayon.Importers.Peft;

/// <summary>The parts of PEFT's adapter_config.json that decide whether and how a LoRA converts to llama.cpp.</summary>
public sealed record PeftAdapterConfig(
    string PeftType,
    int Rank,
    double LoraAlpha,
    IReadOnlyList<string>? TargetModules,
    string? TargetModulesPattern,
    bool UseDora,
    bool UseRslora,
    bool FanInFanOut,
    string Bias,
    bool LoraBias,
    bool HasModulesToSave,
    bool HasLayerReplication,
    IReadOnlyDictionary<string, double> RankPattern,
    IReadOnlyDictionary<string, double> AlphaPattern,
    string? BaseModelNameOrPath)
{
    public const string FileName = "adapter_config.json";

    public static PeftAdapterConfig Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"PEFT config '{path}' does not exist", path);
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length > 1 << 20) throw new FileFormatException(path, "file", $"is {bytes.Length} bytes; an adapter config is a few hundred");
        JsonDocument json;
        try { json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new FileFormatException(path, "file", $"is not valid JSON: {e.Message}", inner: e); }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FileFormatException(path, "file", "is not a JSON object");
            var fields = new Fields(root, path);
            var (modules, pattern) = fields.TargetModules();
            return new PeftAdapterConfig(
                PeftType: fields.String("peft_type") ?? throw new FileFormatException(path, "peft_type", "is missing"),
                Rank: (int)(fields.Number("r") is { } r && r >= 1 && r <= 1 << 16 && r == Math.Floor(r)
                    ? r : throw new FileFormatException(path, "r", $"is {fields.Raw("r")}; expected a positive integer rank")),
                LoraAlpha: fields.Number("lora_alpha") is { } a && double.IsFinite(a)
                    ? a : throw new FileFormatException(path, "lora_alpha", $"is {fields.Raw("lora_alpha")}; expected a finite number"),
                TargetModules: modules,
                TargetModulesPattern: pattern,
                UseDora: fields.Bool("use_dora"),
                UseRslora: fields.Bool("use_rslora"),
                FanInFanOut: fields.Bool("fan_in_fan_out"),
                Bias: fields.String("bias") ?? "none",
                LoraBias: fields.Bool("lora_bias"),
                HasModulesToSave: fields.IsSet("modules_to_save"),
                HasLayerReplication: fields.IsSet("layer_replication"),
                RankPattern: fields.NumberMap("rank_pattern"),
                AlphaPattern: fields.NumberMap("alpha_pattern"),
                BaseModelNameOrPath: fields.String("base_model_name_or_path"));
        }
    }

    /// <summary>Typed access to optional JSON fields, with errors naming the file and field.</summary>
    private sealed class Fields(JsonElement root, string path)
    {
        private JsonElement? Get(string name) =>
            root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

        public string Raw(string name) => Get(name)?.GetRawText() ?? "missing";

        public bool IsSet(string name) => Get(name) is { } v && !(v.ValueKind is JsonValueKind.Array or JsonValueKind.Object && IsEmpty(v));

        private static bool IsEmpty(JsonElement v) => v.ValueKind == JsonValueKind.Array ? v.GetArrayLength() == 0 : !v.EnumerateObject().Any();

        public string? String(string name) => Get(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } v => v.GetString(),
            var v => throw new FileFormatException(path, name, $"is {v.Value.GetRawText()}; expected a string"),
        };

        public double? Number(string name) => Get(name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.Number } v => v.GetDouble(),
            var v => throw new FileFormatException(path, name, $"is {v.Value.GetRawText()}; expected a number"),
        };

        public bool Bool(string name) => Get(name) switch
        {
            null => false,
            { ValueKind: JsonValueKind.True } => true,
            { ValueKind: JsonValueKind.False } => false,
            var v => throw new FileFormatException(path, name, $"is {v.Value.GetRawText()}; expected true or false"),
        };

        public IReadOnlyDictionary<string, double> NumberMap(string name)
        {
            var map = new Dictionary<string, double>(StringComparer.Ordinal);
            if (Get(name) is not { } v) return map;
            if (v.ValueKind != JsonValueKind.Object) throw new FileFormatException(path, name, "expected an object of numbers");
            foreach (var p in v.EnumerateObject())
                map[p.Name] = p.Value.ValueKind == JsonValueKind.Number ? p.Value.GetDouble()
                    : throw new FileFormatException(path, $"{name}.{p.Name}", $"is {p.Value.GetRawText()}; expected a number");
            return map;
        }

        /// <summary>target_modules is a list of module names, or one string (a regex, or "all-linear").</summary>
        public (IReadOnlyList<string>?, string?) TargetModules() => Get("target_modules") switch
        {
            null => (null, null),
            { ValueKind: JsonValueKind.String } v => (null, v.GetString()),
            { ValueKind: JsonValueKind.Array } v => (v.EnumerateArray().Select(e => e.ValueKind == JsonValueKind.String ? e.GetString()!
                : throw new FileFormatException(path, "target_modules", $"holds {e.GetRawText()}; expected module names")).ToArray(), null),
            var v => throw new FileFormatException(path, "target_modules", $"is {v.Value.GetRawText()}; expected a list or a string"),
        };
    }
}
