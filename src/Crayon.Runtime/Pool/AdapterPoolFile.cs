using System.Globalization;
using System.Security.Cryptography;
using Crayon.Adapters;
using Crayon.Formats.Gguf;
using Crayon.Llama;

namespace Crayon.Pool;

/// <summary>
/// The pool artifact on disk: one GGUF file (general.type = "crayon.pool") holding every base adapter's
/// factors as "p{i}.{target}.weight.lora_a/_b", the centroids as "crayon.centroids" [embedding, N], and
/// metadata under "crayon.pool.*": format version, signal, rank, each adapter's alpha, target modules, adapter names, the
/// model it was built for, the build's provenance and a SHA-256 of the whole file (metadata, tensor table and tensor data,
/// written with the checksum's own value as 64 zeros), verified on read. The optional "crayon.embedding_center" [embedding]
/// is described in <see cref="AdapterPoolArtifact.EmbeddingCenter"/>.
/// Formats 1 and 2 checksummed the tensor data only, so a flipped bit in the model fingerprint or provenance went unseen;
/// they are refused with a request to rebuild (the standard pool cache rebuilds them by itself).
/// </summary>
public static class AdapterPoolFile
{
    public const string GeneralType = "crayon.pool";
    public const uint FormatVersion = 3;
    public const string CentroidsTensor = "crayon.centroids";
    public const string CenterTensor = "crayon.embedding_center";

    private const string Prefix = "crayon.pool.";
    private const string KeyVersion = Prefix + "version";
    private const string KeyCount = Prefix + "adapter_count";
    private const string KeyRank = Prefix + "rank";
    private const string KeyAlphas = Prefix + "adapter_alphas";
    private const string KeyTargets = Prefix + "target_modules";
    private const string KeyNames = Prefix + "adapter_names";
    private const string KeySignal = Prefix + "signal";
    private const string KeyEmbedding = Prefix + "embedding_length";
    private const string KeyModelName = Prefix + "model.name";
    private const string KeyModelArchitecture = Prefix + "model.architecture";
    private const string KeyModelFingerprint = Prefix + "model.fingerprint";
    private const string KeyChecksum = Prefix + "sha256";
    private static readonly string ChecksumPlaceholder = new('0', 64);
    private const string ProvenancePrefix = Prefix + "build.";

    public static void Write(AdapterPoolArtifact pool, string path, GgmlType storage = GgmlType.F32)
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (!GgufTensor.IsFloatType(storage)) throw new ArgumentOutOfRangeException(nameof(storage), storage, "pools are stored as F32, F16 or BF16");
        var infos = TensorInfos(pool, storage);
        var data = DataWriter(pool, storage);
        var metadata = Metadata(pool, ChecksumPlaceholder);
        metadata.Set(KeyChecksum, GgufValue.Str(Checksum(metadata, infos, data, GgufFile.CurrentVersion)));
        GgufWriter.WriteFile(path, metadata, infos, data);
    }

    public static AdapterPoolArtifact Read(string path)
    {
        var file = GgufReader.Read(path);
        var m = file.Metadata;
        var source = file.SourceName;
        if (m.FindString(GgufKeys.Type) != GeneralType)
            throw new GgufFormatException(source, $"metadata key '{GgufKeys.Type}'", $"is '{m.FindString(GgufKeys.Type)}', expected '{GeneralType}' (not a Crayon pool)");
        var version = Require(m, KeyVersion, source).AsUInt32();
        if (version is 1 or 2)
            throw new GgufFormatException(source, $"metadata key '{KeyVersion}'",
                $"is {version}: pool formats before {FormatVersion} checksummed the tensor data only; rebuild the pool with this Crayon (a cached standard pool is rebuilt by itself)");
        if (version != FormatVersion)
            throw new GgufFormatException(source, $"metadata key '{KeyVersion}'", $"is {version}; this Crayon reads pool format {FormatVersion}");
        VerifyChecksum(file, Require(m, KeyChecksum, source).AsString());

        var count = (int)m.GetInteger(KeyCount, 1, 4096);
        var names = Require(m, KeyNames, source).AsStringArray();
        if (names.Length != count) throw new GgufFormatException(source, $"metadata key '{KeyNames}'", $"has {names.Length} names for {count} adapters");
        var signal = ParseSignal(source, Require(m, KeySignal, source).AsString());
        var embedding = (int)m.GetInteger(KeyEmbedding, 1, 1 << 20);
        var architecture = m.GetString(GgufKeys.Architecture);
        var alphas = Require(m, KeyAlphas, source).AsArray<float>().ToArray();
        if (alphas.Length != count) throw new GgufFormatException(source, $"metadata key '{KeyAlphas}'", $"has {alphas.Length} values for {count} adapters");

        var adapters = new LoraAdapter[count];
        for (var i = 0; i < count; i++)
        {
            var prefix = $"p{i}.";
            var own = file.Tensors.Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal))
                .Select(t => new GgufTensor(new GgufTensorInfo(t.Name[prefix.Length..], t.Dimensions.ToArray(), t.Type), t.Data));
            var adapterFile = new GgufFile(AdapterMetadata(architecture, alphas[i], source), own);
            try
            {
                adapters[i] = LoraAdapterGguf.FromGguf(adapterFile);
            }
            catch (GgufFormatException e)
            {
                throw new GgufFormatException(source, $"adapter {i} ('{names[i]}')", e.Message, inner: e);
            }
        }
        AdapterPool pool;
        try
        {
            pool = new AdapterPool(adapters);
        }
        catch (ArgumentException e)
        {
            throw new GgufFormatException(source, "adapters", e.Message, inner: e);
        }
        if (pool.Rank != m.GetInteger(KeyRank))
            throw new GgufFormatException(source, $"metadata key '{KeyRank}'", $"is {m.GetInteger(KeyRank)} but the adapters have rank {pool.Rank}");

        if (!file.TryGetTensor(CentroidsTensor, out var centroidTensor))
            throw new GgufFormatException(source, $"tensor '{CentroidsTensor}'", "is missing");
        if (centroidTensor.Dimensions.Count != 2 || centroidTensor.Dimensions[0] != embedding || centroidTensor.Dimensions[1] != count)
            throw new GgufFormatException(source, $"tensor '{CentroidsTensor}'",
                $"has dimensions [{string.Join(", ", centroidTensor.Dimensions)}], expected [{embedding}, {count}]");
        var flat = centroidTensor.ToFloat32();
        var centroids = Enumerable.Range(0, count).Select(i => flat.AsSpan(i * embedding, embedding).ToArray()).ToArray();
        float[]? center = null;
        if (file.TryGetTensor(CenterTensor, out var centerTensor))
        {
            if (centerTensor.Dimensions.Count != 1 || centerTensor.Dimensions[0] != embedding)
                throw new GgufFormatException(source, $"tensor '{CenterTensor}'", $"has dimensions [{string.Join(", ", centerTensor.Dimensions)}], expected [{embedding}]");
            center = centerTensor.ToFloat32();
        }

        var model = new PoolModel(m.GetString(KeyModelName), m.GetString(KeyModelArchitecture), m.GetString(KeyModelFingerprint));
        var provenance = m.Where(e => e.Key.StartsWith(ProvenancePrefix, StringComparison.Ordinal) && e.Value.Type == GgufValueType.String)
            .ToDictionary(e => e.Key[ProvenancePrefix.Length..], e => e.Value.AsString(), StringComparer.Ordinal);
        try
        {
            return new AdapterPoolArtifact(pool, centroids, signal, model, names, provenance, center);
        }
        catch (ArgumentException e)
        {
            throw new GgufFormatException(source, "pool", e.Message, inner: e);
        }
    }

    private static GgufMetadata Metadata(AdapterPoolArtifact pool, string checksum)
    {
        var m = new GgufMetadata();
        m.Set(GgufKeys.Architecture, GgufValue.Str(pool.Adapters.Architecture));
        m.Set(GgufKeys.Type, GgufValue.Str(GeneralType));
        m.Set(KeyVersion, GgufValue.U32(FormatVersion));
        m.Set(KeyCount, GgufValue.U32((uint)pool.Count));
        m.Set(KeyRank, GgufValue.U32((uint)pool.Adapters.Rank));
        m.Set(KeyAlphas, GgufValue.Array(pool.Adapters.Adapters.Select(a => a.Alpha).ToArray().AsSpan()));
        m.Set(KeyTargets, GgufValue.Array(TargetModules(pool.Adapters)));
        m.Set(KeyNames, GgufValue.Array(pool.AdapterNames));
        m.Set(KeySignal, GgufValue.Str(SignalName(pool.Signal)));
        m.Set(KeyEmbedding, GgufValue.U32((uint)pool.EmbeddingLength));
        m.Set(KeyModelName, GgufValue.Str(pool.Model.Name));
        m.Set(KeyModelArchitecture, GgufValue.Str(pool.Model.Architecture));
        m.Set(KeyModelFingerprint, GgufValue.Str(pool.Model.Fingerprint));
        foreach (var (key, value) in pool.Provenance.OrderBy(p => p.Key, StringComparer.Ordinal))
            m.Set(ProvenancePrefix + key, GgufValue.Str(value));
        m.Set(KeyChecksum, GgufValue.Str(checksum));
        return m;
    }

    /// <summary>The module kinds the pool adapts, e.g. ["attn_q", "ffn_down"], in first-seen order.</summary>
    public static string[] TargetModules(AdapterPool pool) =>
        pool.Targets.Select(t => t.Name.StartsWith("blk.", StringComparison.Ordinal) ? t.Name[(t.Name.IndexOf('.', 4) + 1)..] : t.Name)
            .Distinct(StringComparer.Ordinal).ToArray();

    private static GgufTensorInfo[] TensorInfos(AdapterPoolArtifact pool, GgmlType storage)
    {
        var infos = new List<GgufTensorInfo>();
        for (var i = 0; i < pool.Count; i++)
            infos.AddRange(LoraAdapterGguf.TensorInfosOf(pool.Adapters.Adapters[i], storage)
                .Select(t => new GgufTensorInfo($"p{i}.{t.Name}", t.Dimensions.ToArray(), t.Type)));
        infos.Add(new GgufTensorInfo(CentroidsTensor, [pool.EmbeddingLength, pool.Count], GgmlType.F32));
        if (pool.EmbeddingCenter is not null) infos.Add(new GgufTensorInfo(CenterTensor, [pool.EmbeddingLength], GgmlType.F32));
        return infos.ToArray();
    }

    private static GgufWriter.TensorDataWriter DataWriter(AdapterPoolArtifact pool, GgmlType storage)
    {
        var perAdapter = pool.Adapters.TensorCount;
        var centroids = pool.Centroids.SelectMany(c => c).ToArray();
        return (index, _, stream) =>
        {
            if (index == pool.Count * perAdapter)
            {
                GgufTensor.WriteFloats(stream, centroids, GgmlType.F32);
                return;
            }
            if (index == pool.Count * perAdapter + 1)
            {
                GgufTensor.WriteFloats(stream, pool.EmbeddingCenter!, GgmlType.F32);
                return;
            }
            var pair = pool.Adapters.Adapters[index / perAdapter].Pairs[index % perAdapter / 2];
            GgufTensor.WriteFloats(stream, (index % 2 == 0 ? pair.A : pair.B).Data, storage);
        };
    }

    /// <summary>SHA-256 of the GGUF bytes these arguments write, with the checksum key holding <see cref="ChecksumPlaceholder"/>.</summary>
    private static string Checksum(GgufMetadata metadata, IReadOnlyList<GgufTensorInfo> infos, GgufWriter.TensorDataWriter data, uint version)
    {
        using var sha = SHA256.Create();
        using (var hashing = new CryptoStream(Stream.Null, sha, CryptoStreamMode.Write))
            GgufWriter.Write(hashing, metadata, infos, data, version);
        return Convert.ToHexStringLower(sha.Hash!);
    }

    // The file is hashed as this writer would write what was read: every byte that carries meaning (metadata, tensor
    // table, tensor data) counts, and only padding, which carries none, may differ.
    private static void VerifyChecksum(GgufFile file, string expected)
    {
        var metadata = file.Metadata.Clone();
        metadata.Set(KeyChecksum, GgufValue.Str(ChecksumPlaceholder));
        var infos = file.Tensors.Select(t => t.Info).ToArray();
        string actual;
        try
        {
            actual = Checksum(metadata, infos, (i, _, stream) => stream.Write(file.Tensors[i].Data.Span), file.Version);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new GgufFormatException(file.SourceName, "header", $"cannot be checked: {e.Message}; the pool file is corrupted", inner: e);
        }
        if (!string.Equals(actual, expected, StringComparison.Ordinal))
            throw new GgufFormatException(file.SourceName, $"metadata key '{KeyChecksum}'",
                $"says {expected} but the file hashes to {actual}: the pool file is corrupted");
    }

    private static GgufMetadata AdapterMetadata(string architecture, float alpha, string source)
    {
        var m = new GgufMetadata(source);
        m.Set(GgufKeys.Architecture, GgufValue.Str(architecture));
        m.Set(GgufKeys.Type, GgufValue.Str("adapter"));
        m.Set(GgufKeys.AdapterType, GgufValue.Str("lora"));
        m.Set(GgufKeys.AdapterLoraAlpha, GgufValue.F32(alpha));
        return m;
    }

    private static GgufValue Require(GgufMetadata m, string key, string source) =>
        m.Find(key) ?? throw new GgufFormatException(source, $"metadata key '{key}'", "is missing");

    private static string SignalName(EmbeddingSignal signal) => signal.ToString().ToLower(CultureInfo.InvariantCulture);

    private static EmbeddingSignal ParseSignal(string source, string text) => text switch
    {
        "query" => EmbeddingSignal.Query,
        "hidden" => EmbeddingSignal.Hidden,
        _ => throw new GgufFormatException(source, $"metadata key '{KeySignal}'", $"is '{text}', expected 'query' or 'hidden'"),
    };
}
