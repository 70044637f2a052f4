using Crayon.Formats.Gguf;

namespace Crayon.Adapters;

/// <summary>
/// LoRA adapters to and from GGUF in llama.cpp's convention (llama-adapter.cpp):
/// general.type = "adapter", adapter.type = "lora", adapter.lora.alpha (f32), general.architecture,
/// and per target "{Target}.weight.lora_a" with dims [in, rank] and "{Target}.weight.lora_b" with
/// dims [rank, out] (innermost first) — the row-major bytes of A (rank×in) and B (out×rank) as they are.
/// llama.cpp scales each pair by alpha / rank (rank read from lora_b), or by 1 when alpha is 0 or absent.
/// </summary>
public static class LoraAdapterGguf
{
    public const string LoraASuffix = ".weight.lora_a";
    public const string LoraBSuffix = ".weight.lora_b";

    /// <summary>The metadata this adapter is written with; extra <see cref="LoraAdapter.Metadata"/> strings follow the required keys.</summary>
    public static GgufMetadata MetadataOf(LoraAdapter adapter)
    {
        ArgumentNullException.ThrowIfNull(adapter);
        var m = new GgufMetadata();
        m.Set(GgufKeys.Architecture, GgufValue.Str(adapter.Architecture));
        m.Set(GgufKeys.Type, GgufValue.Str("adapter"));
        m.Set(GgufKeys.AdapterType, GgufValue.Str("lora"));
        m.Set(GgufKeys.AdapterLoraAlpha, GgufValue.F32(adapter.Alpha));
        foreach (var (key, value) in adapter.Metadata)
            if (!m.ContainsKey(key) && key != GgufKeys.Alignment) m.Set(key, GgufValue.Str(value));
        return m;
    }

    /// <summary>Tensor infos in file order: lora_a then lora_b of each pair, in the adapter's pair order.</summary>
    public static GgufTensorInfo[] TensorInfosOf(LoraAdapter adapter, GgmlType storage = GgmlType.F32)
    {
        CheckStorage(storage);
        return adapter.Pairs.SelectMany(p => new[]
        {
            new GgufTensorInfo(p.TensorNameA, [p.InFeatures, p.Rank], storage),
            new GgufTensorInfo(p.TensorNameB, [p.Rank, p.OutFeatures], storage),
        }).ToArray();
    }

    /// <summary>Streams the adapter as GGUF, converting to <paramref name="storage"/> on the way (one pass, no full copy).</summary>
    public static void Write(Stream destination, LoraAdapter adapter, GgmlType storage = GgmlType.F32) =>
        GgufWriter.Write(destination, MetadataOf(adapter), TensorInfosOf(adapter, storage), DataWriter(adapter, storage));

    /// <summary>The adapter as one exactly-sized GGUF image, ready for llama_adapter_lora_init_from_file_ptr over fmemopen.</summary>
    public static byte[] ToBytes(LoraAdapter adapter, GgmlType storage = GgmlType.F32)
    {
        var metadata = MetadataOf(adapter);
        var infos = TensorInfosOf(adapter, storage);
        var image = new byte[GgufWriter.MeasureSize(metadata, infos)];
        using var stream = new MemoryStream(image, writable: true);
        GgufWriter.Write(stream, metadata, infos, DataWriter(adapter, storage));
        return image;
    }

    public static void WriteFile(LoraAdapter adapter, string path, GgmlType storage = GgmlType.F32) =>
        GgufWriter.WriteFile(path, MetadataOf(adapter), TensorInfosOf(adapter, storage), DataWriter(adapter, storage));

    /// <summary>The adapter as a <see cref="GgufFile"/> (a copy of the factors in the storage type).</summary>
    public static GgufFile ToGguf(LoraAdapter adapter, GgmlType storage = GgmlType.F32) =>
        GgufReader.Read(ToBytes(adapter, storage), $"adapter '{adapter.Architecture}'");

    public static LoraAdapter Read(string path) => FromGguf(GgufReader.Read(path));

    public static LoraAdapter Read(ReadOnlyMemory<byte> image, string sourceName = "<memory>") => FromGguf(GgufReader.Read(image, sourceName));

    /// <summary>
    /// Reads an adapter, checking what llama.cpp's loader checks (adapter type, paired halves, a rank shared by
    /// A and B) plus what llama.cpp would otherwise trip over: alpha of another type than f32 (an assertion there),
    /// storage other than f32/f16/bf16, and non-finite weights. Norm tensors are skipped, as llama.cpp skips them.
    /// </summary>
    public static LoraAdapter FromGguf(GgufFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var m = file.Metadata;
        RequireString(m, GgufKeys.Type, "adapter");
        RequireString(m, GgufKeys.AdapterType, "lora");
        var architecture = m.GetString(GgufKeys.Architecture);
        if (string.IsNullOrWhiteSpace(architecture))
            throw new GgufFormatException(file.SourceName, $"metadata key '{GgufKeys.Architecture}'", "is empty");
        var alpha = m.ContainsKey(GgufKeys.AdapterLoraAlpha) ? m.GetFloat32(GgufKeys.AdapterLoraAlpha) : 0f;
        if (!float.IsFinite(alpha))
            throw new GgufFormatException(file.SourceName, $"metadata key '{GgufKeys.AdapterLoraAlpha}'", $"is {alpha}; it must be finite");

        var pairs = PairTensors(file).Select(p => ToPair(file.SourceName, p.Target, p.A, p.B)).ToList();
        if (pairs.Count == 0) throw new GgufFormatException(file.SourceName, "tensors", "the file holds no lora_a/lora_b pairs");

        var extra = m.Where(e => !e.Value.IsArray && e.Value.Type == GgufValueType.String && !IsRequiredKey(e.Key))
            .ToDictionary(e => e.Key, e => e.Value.AsString(), StringComparer.Ordinal);
        return new LoraAdapter(architecture, alpha, pairs, extra);
    }

    private static bool IsRequiredKey(string key) =>
        key is GgufKeys.Architecture or GgufKeys.Type or GgufKeys.AdapterType or GgufKeys.AdapterLoraAlpha;

    private static void RequireString(GgufMetadata m, string key, string expected)
    {
        var actual = m.GetString(key);
        if (actual != expected)
            throw new GgufFormatException(m.SourceName, $"metadata key '{key}'", $"is '{actual}', expected '{expected}' (not a LoRA adapter)");
    }

    private static IEnumerable<(string Target, GgufTensor A, GgufTensor B)> PairTensors(GgufFile file)
    {
        var halves = new Dictionary<string, (GgufTensor? A, GgufTensor? B)>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var t in file.Tensors)
        {
            bool isA = t.Name.EndsWith(".lora_a", StringComparison.Ordinal), isB = t.Name.EndsWith(".lora_b", StringComparison.Ordinal);
            if (!isA && !isB)
            {
                if (t.Name.EndsWith("_norm.weight", StringComparison.Ordinal)) continue; // llama.cpp ignores these too
                throw new GgufFormatException(file.SourceName, $"tensor '{t.Name}'", "is neither a .lora_a nor a .lora_b tensor");
            }
            var baseName = t.Name[..^".lora_a".Length];
            if (!baseName.EndsWith(".weight", StringComparison.Ordinal))
                throw new GgufFormatException(file.SourceName, $"tensor '{t.Name}'", "must be named '<base tensor>.weight.lora_a/_b'");
            var target = baseName[..^".weight".Length];
            if (target == "token_embd")
                throw new GgufFormatException(file.SourceName, $"tensor '{t.Name}'", "LoRA on token_embd (stored with A and B swapped by llama.cpp) is not supported");
            if (!halves.TryGetValue(target, out var pair)) order.Add(target);
            halves[target] = isA ? (t, pair.B) : (pair.A, t);
        }
        foreach (var target in order)
        {
            var (a, b) = halves[target];
            if (a is null || b is null)
                throw new GgufFormatException(file.SourceName, $"LoRA pair '{target}'", $"is missing its {(a is null ? "lora_a" : "lora_b")} tensor");
            yield return (target, a, b);
        }
    }

    private static LoraPair ToPair(string source, string target, GgufTensor a, GgufTensor b)
    {
        var (inFeatures, rankA) = Matrix(source, a);
        var (rankB, outFeatures) = Matrix(source, b);
        if (rankA != rankB)
            throw new GgufFormatException(source, $"LoRA pair '{target}'", $"lora_a {Dims(a)} has rank {rankA} but lora_b {Dims(b)} has rank {rankB}");
        return new LoraPair(target,
            new LoraMatrix(rankA, inFeatures, FiniteFloats(source, a)),
            new LoraMatrix(outFeatures, rankB, FiniteFloats(source, b)));
    }

    /// <summary>A 2-D float tensor's (ne0, ne1); trailing dimensions of 1 are allowed.</summary>
    private static (int Ne0, int Ne1) Matrix(string source, GgufTensor t)
    {
        var field = $"tensor '{t.Name}'";
        if (!GgufTensor.IsFloatType(t.Type))
            throw new GgufFormatException(source, field, $"is {GgmlTypeTraits.NameOf(t.Type)}; LoRA factors must be f32, f16 or bf16");
        var dims = t.Dimensions;
        if (dims.Count < 2 || dims.Skip(2).Any(d => d != 1) || dims[0] < 1 || dims[1] < 1 || dims[0] > int.MaxValue || dims[1] > int.MaxValue)
            throw new GgufFormatException(source, field, $"has dimensions {Dims(t)}; a LoRA factor is a non-empty 2-D matrix");
        return ((int)dims[0], (int)dims[1]);
    }

    private static float[] FiniteFloats(string source, GgufTensor t)
    {
        var values = t.ToFloat32();
        for (var i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]))
                throw new GgufFormatException(source, $"tensor '{t.Name}'", $"element {i} is {values[i]}; LoRA weights must be finite");
        return values;
    }

    private static string Dims(GgufTensor t) => $"[{string.Join(", ", t.Dimensions)}]";

    private static void CheckStorage(GgmlType storage)
    {
        if (!GgufTensor.IsFloatType(storage))
            throw new ArgumentOutOfRangeException(nameof(storage), storage, "LoRA adapters are stored as F32, F16 or BF16");
    }

    private static GgufWriter.TensorDataWriter DataWriter(LoraAdapter adapter, GgmlType storage) => (index, _, stream) =>
    {
        var pair = adapter.Pairs[index / 2];
        var values = (index % 2 == 0 ? pair.A : pair.B).Data;
        GgufTensor.WriteFloats(stream, values, storage);
    };
}
