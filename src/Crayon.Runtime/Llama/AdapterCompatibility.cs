using Crayon.Formats.Gguf;

namespace Crayon.Llama;

/// <summary>
/// Checks a LoRA GGUF against the model BEFORE llama.cpp sees it. llama.cpp rejects many mismatches
/// itself, but some reach a GGML_ASSERT during decoding (tensors of an unusable type or rank, pairs
/// that do not multiply), which aborts the process; here every mismatch is an error naming the tensor.
/// </summary>
internal static partial class AdapterCompatibility
{
    // ggml types llama.cpp's LoRA matmul accepts for lora_a/lora_b here.
    private static readonly HashSet<GgmlType> FloatTypes = [GgmlType.F32, GgmlType.F16, GgmlType.BF16];

    public static void Check(GgufLayout adapterLayout, GgufLayout modelLayout, string adapterName, string modelName)
    {
        var adapter = new Summary(adapterLayout);
        var model = new Summary(modelLayout);
        var type = adapter["general.type"];
        if (type != "adapter")
            throw new InvalidDataException($"'{adapterName}' is not an adapter: general.type is {Quote(type)}, expected 'adapter'");
        var adapterType = adapter["adapter.type"];
        if (adapterType != "lora")
            throw new InvalidDataException($"adapter '{adapterName}' has adapter.type {Quote(adapterType)}; only 'lora' is supported");
        var adapterArch = adapter["general.architecture"];
        var modelArch = model["general.architecture"];
        if (adapterArch != modelArch)
            throw new InvalidDataException($"adapter '{adapterName}' is for architecture {Quote(adapterArch)} but model '{modelName}' is {Quote(modelArch)}");

        // llama.cpp reads these with typed getters that abort the process on another type.
        foreach (var key in new[] { "general.type", "general.architecture", "adapter.type" })
            if (adapterLayout.Metadata.TryGetValue(key, out var value) && value.Type != GgufValueType.String)
                throw new InvalidDataException($"adapter '{adapterName}': {key} is {value.Type}, expected a string");
        if (adapterLayout.Metadata.TryGetValue("adapter.lora.alpha", out var alpha) && alpha.Type != GgufValueType.Float32)
            throw new InvalidDataException($"adapter '{adapterName}': adapter.lora.alpha is {alpha.Type}, expected Float32");

        var pairs = new SortedDictionary<string, (Shape? A, Shape? B)>(StringComparer.Ordinal);
        foreach (var (name, shape) in adapter.Tensors)
        {
            if (name.EndsWith(".lora_a", StringComparison.Ordinal))
            {
                var target = name[..^".lora_a".Length];
                pairs[target] = (shape, pairs.GetValueOrDefault(target).B);
            }
            else if (name.EndsWith(".lora_b", StringComparison.Ordinal))
            {
                var target = name[..^".lora_b".Length];
                pairs[target] = (pairs.GetValueOrDefault(target).A, shape);
            }
            else if (!name.EndsWith("_norm.weight", StringComparison.Ordinal)) // llama.cpp skips these
                throw new InvalidDataException($"adapter '{adapterName}': tensor '{name}' is neither a .lora_a nor a .lora_b");
        }
        if (pairs.Count == 0) throw new InvalidDataException($"adapter '{adapterName}' has no LoRA tensors");

        foreach (var (target, (a, b)) in pairs)
        {
            if (a is null || b is null)
                throw new InvalidDataException($"adapter '{adapterName}': '{target}' has a {(a is null ? "lora_b without its lora_a" : "lora_a without its lora_b")}");
            if (!model.Tensors.TryGetValue(target, out var weight))
                throw new InvalidDataException($"adapter '{adapterName}': target '{target}' does not exist in model '{modelName}' (adapter made for another model?)");
            foreach (var (part, shape) in new[] { ("lora_a", a.Value), ("lora_b", b.Value) })
            {
                if (!FloatTypes.Contains(shape.Type))
                    throw new InvalidDataException($"adapter '{adapterName}': '{target}.{part}' is {GgmlTypeTraits.NameOf(shape.Type)}; LoRA factors must be F32, F16 or BF16");
                if (shape.Dimensions.Length != 2 || shape.Dimensions.Any(d => d <= 0))
                    throw new InvalidDataException($"adapter '{adapterName}': '{target}.{part}' is {shape}; LoRA factors are 2-D matrices");
            }
            if (weight.Dimensions.Length != 2)
                throw new InvalidDataException($"adapter '{adapterName}': target '{target}' is {weight} in the model; only 2-D weights take a LoRA");
            long inFeatures = weight.Dimensions[0], outFeatures = weight.Dimensions[1];
            long rankA = a.Value.Dimensions[1], rankB = b.Value.Dimensions[0];
            var embedding = target.EndsWith("token_embd.weight", StringComparison.Ordinal);
            // llama.cpp: lora_a is [in, rank] and lora_b [rank, out]; for token_embd A and B swap roles.
            // (token_embd: lora_a [r, n_vocab], lora_b [r, n_embd], as llama.cpp's get_rows path wants.)
            var ok = embedding
                ? a.Value.Dimensions[1] == outFeatures && b.Value.Dimensions[1] == inFeatures && a.Value.Dimensions[0] == b.Value.Dimensions[0]
                : a.Value.Dimensions[0] == inFeatures && b.Value.Dimensions[1] == outFeatures && rankA == rankB;
            if (!ok)
                throw new InvalidDataException(
                    $"adapter '{adapterName}': '{target}' has lora_a {a.Value} and lora_b {b.Value}, which do not fit the model's weight {weight} " +
                    $"(expected lora_a [{inFeatures}, r] and lora_b [r, {outFeatures}]; adapter made for another model?)");
        }
    }

    private static string Quote(string? value) => value is null ? "missing" : $"'{value}'";

    private readonly record struct Shape(long[] Dimensions, GgmlType Type)
    {
        public override string ToString() => $"[{string.Join(", ", Dimensions)}]";
    }

    /// <summary>A layout's string metadata and tensor shapes (as 2-D when they are at most 2-D).</summary>
    private sealed class Summary(GgufLayout layout)
    {
        public string? this[string key] =>
            layout.Metadata.TryGetValue(key, out var value) && value.Type == GgufValueType.String ? value.AsString() : null;

        public IReadOnlyDictionary<string, Shape> Tensors { get; } = layout.Tensors.ToDictionary(
            t => t.Info.Name,
            t => new Shape(AsMatrix(t.Info.Dimensions), t.Info.Type),
            StringComparer.Ordinal);

        // ggml treats missing dimensions as 1: [n] is [n, 1], and [a, b, 1] is [a, b].
        private static long[] AsMatrix(IReadOnlyList<long> dims)
        {
            if (dims.Skip(2).Any(d => d != 1)) return dims.ToArray();
            return [dims.Count > 0 ? dims[0] : 1, dims.Count > 1 ? dims[1] : 1];
        }
    }
}
