using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Formats;
using Crayon.Formats.Gguf;
using Crayon.Customization;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Pool;

namespace Crayon.Hybrid.Customization;

/// <summary>
/// Instant customization for a device that holds no pool (the paper's privacy variant): the device
/// fetches the pool's centroids, computes alpha from q_c itself, and uploads only the pool id, alpha
/// and blend mode to /v1/crayon/blend; the server answers the blended adapter's values (a GGUF image on the wire, read
/// on the host), which land in the context's live adapter slot: the first blend of a shape is loaded into llama.cpp
/// once, every later one is written in place into the tensors llama.cpp holds (no reload, no graph re-plan), as with
/// <see cref="Customizer"/>. The device holds no pool, so blending locally is not an option: the values come from the
/// server. The user's examples and even q_c stay on the device: this class never receives them.
/// </summary>
public sealed class RemoteCustomizer(OpenAiEndpoint server) : IDisposable
{
    private readonly Dictionary<string, RemotePool> _pools = new(StringComparer.Ordinal);
    private readonly Dictionary<LlamaContext, LiveAdapterSlot> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    /// <summary>GET /v1/crayon/pools/{id} (cached once fetched).</summary>
    public async Task<ServerCall<RemotePool>> GetPoolAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        if (_pools.TryGetValue(id, out var cached)) return new ServerCall<RemotePool>(cached, null, 0, 0, TimeSpan.Zero);
        var call = await server.SendAsync(HttpMethod.Get, "v1/crayon/pools/" + Uri.EscapeDataString(id), null, ParsePool, cancellationToken).ConfigureAwait(false);
        if (call.Succeeded) _pools[id] = call.Value!;
        return call;
    }

    /// <summary>POST /v1/crayon/blend: the blended adapter's GGUF image and the adapters it stacks.</summary>
    public Task<ServerCall<(byte[] Image, IReadOnlyList<int> Blended)>> BlendAsync(string poolId, IReadOnlyList<double> alpha, BlendRecipe mode, int? topK,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(poolId);
        ArgumentNullException.ThrowIfNull(alpha);
        ArgumentNullException.ThrowIfNull(mode);
        var body = RequestJson.Write(w =>
        {
            w.WriteString("pool", poolId);
            w.WriteStartArray("alpha");
            foreach (var a in alpha) w.WriteNumberValue((float)a);
            w.WriteEndArray();
            w.WriteString("mode", mode.ToString());
            if (topK is { } k) w.WriteNumber("top_k", k);
        });
        return server.SendAsync<(byte[], IReadOnlyList<int>)>(HttpMethod.Post, "v1/crayon/blend", body, "application/octet-stream", (bytes, headers) =>
        {
            var blended = headers.TryGetValues("X-Crayon-Blended", out var values)
                ? string.Join(",", values).Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray()
                : [];
            return (bytes.ToArray(), blended);
        }, cancellationToken);
    }

    /// <summary>
    /// Customizes <paramref name="context"/> from q_c: fetch the pool, alpha on the device, blend on the server, and land the
    /// blend in the context's live adapter slot (loaded once per shape, in place after that).
    /// </summary>
    /// <param name="expectedModel">The device model's identity (name, architecture, <see cref="Models.ModelFingerprint"/>); the pool must have been built for it.</param>
    /// <exception cref="PoolMismatchException">the pool was built for another model or embeds with another signal.</exception>
    /// <exception cref="InvalidDataException">the server's adapter does not fit the model (llama.cpp's reason included).</exception>
    public async Task<ServerCall<RemoteCustomization>> CustomizeAsync(LlamaContext context, PoolModel expectedModel, string poolId, float[] taskEmbedding, EmbeddingSignal signal,
        AlphaOptions? alphaOptions = null, BlendRecipe? mode = null, int? topK = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        mode ??= BlendRecipe.Linear;
        ArgumentNullException.ThrowIfNull(expectedModel);
        ArgumentNullException.ThrowIfNull(taskEmbedding);
        var pool = await GetPoolAsync(poolId, cancellationToken).ConfigureAwait(false);
        if (!pool.Succeeded) return new ServerCall<RemoteCustomization>(null, pool.Failure, pool.BytesSent, pool.BytesReceived, pool.Elapsed);
        var remote = pool.Value!;
        if (remote.Model.Architecture != expectedModel.Architecture || remote.Model.Fingerprint != expectedModel.Fingerprint)
            throw new PoolMismatchException($"server pool '{poolId}' was built for model '{remote.Model.Name}' (fingerprint {Short(remote.Model.Fingerprint)}), " +
                                            $"not for the device's '{expectedModel.Name}' (fingerprint {Short(expectedModel.Fingerprint)})");
        if (remote.Signal != signal || remote.EmbeddingLength != taskEmbedding.Length)
            throw new PoolMismatchException($"server pool '{poolId}' indexes {remote.Signal.ToString().ToLowerInvariant()} embeddings of {remote.EmbeddingLength} values; " +
                                            $"q_c is a {signal.ToString().ToLowerInvariant()} embedding of {taskEmbedding.Length}");

        var t = Stopwatch.GetTimestamp();
        var coefficients = BlendAlpha.FromEmbedding(taskEmbedding, remote.Centroids, alphaOptions);
        var alphaTime = Stopwatch.GetElapsedTime(t);
        var blend = await BlendAsync(poolId, coefficients.Alpha, mode, topK, cancellationToken).ConfigureAwait(false);
        long sent = pool.BytesSent + blend.BytesSent, received = pool.BytesReceived + blend.BytesReceived;
        if (!blend.Succeeded) return new ServerCall<RemoteCustomization>(null, blend.Failure, sent, received, pool.Elapsed + alphaTime + blend.Elapsed);

        t = Stopwatch.GetTimestamp();
        SwapKind kind;
        try
        {
            // The wire format is GGUF; only its values are kept. They land in the slot like a local blend: in place once its shape is loaded.
            var values = LoraAdapterGguf.Read(blend.Value.Image, $"the server's blend of pool '{poolId}'");
            lock (_gate)
            {
                if (!_slots.TryGetValue(context, out var slot)) _slots[context] = slot = new LiveAdapterSlot(context);
                (kind, _) = slot.Land(values, GgmlType.F32, poolId);
                slot.SetScale(1f);
            }
        }
        catch (Exception e) when (e is FileFormatException or ArgumentException)
        {
            throw new InvalidDataException($"the server's blend of pool '{poolId}' does not fit the device's model: {e.Message}", e);
        }
        var loadTime = Stopwatch.GetElapsedTime(t);
        var result = new RemoteCustomization(kind, coefficients.Similarities, coefficients.Alpha, blend.Value.Blended, sent, received,
            pool.Elapsed, alphaTime, blend.Elapsed, loadTime);
        return new ServerCall<RemoteCustomization>(result, null, sent, received, pool.Elapsed + alphaTime + blend.Elapsed + loadTime);
    }

    /// <summary>Forgets <paramref name="context"/>'s live slot (call before disposing a context this customizer outlives).</summary>
    public void Release(LlamaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        lock (_gate)
            if (_slots.Remove(context, out var slot)) slot.Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var slot in _slots.Values) slot.Dispose();
            _slots.Clear();
        }
    }

    private static string Short(string fingerprint) => fingerprint.Length > 12 ? fingerprint[..12] + "…" : fingerprint;

    private static RemotePool ParsePool(JsonElement root)
    {
        var id = JsonAnswer.String(root, "id", "pool");
        var count = JsonAnswer.Int(JsonAnswer.Property(root, "adapters", "pool"), "pool.adapters");
        var rank = JsonAnswer.Int(JsonAnswer.Property(root, "rank", "pool"), "pool.rank");
        var signal = JsonAnswer.String(root, "signal", "pool") switch
        {
            "query" => EmbeddingSignal.Query,
            "hidden" => EmbeddingSignal.Hidden,
            var other => throw new GarbageAnswerException($"pool.signal is '{other}', not query or hidden"),
        };
        var length = JsonAnswer.Int(JsonAnswer.Property(root, "embedding_length", "pool"), "pool.embedding_length");
        var model = JsonAnswer.Property(root, "model", "pool");
        var poolModel = new PoolModel(JsonAnswer.String(model, "name", "pool.model"), JsonAnswer.String(model, "architecture", "pool.model"),
            JsonAnswer.String(model, "fingerprint", "pool.model"));
        var centroids = JsonAnswer.Array(root, "centroids", "pool").EnumerateArray().Select((c, i) =>
        {
            if (c.ValueKind != JsonValueKind.Array || c.GetArrayLength() != length) throw new GarbageAnswerException($"pool.centroids[{i}] is not an array of {length} numbers");
            return c.EnumerateArray().Select((v, j) => (float)(JsonAnswer.NullableNumber(v, $"pool.centroids[{i}][{j}]")
                ?? throw new GarbageAnswerException($"pool.centroids[{i}][{j}] is null"))).ToArray();
        }).ToArray();
        if (centroids.Length != count || count == 0) throw new GarbageAnswerException($"pool.centroids has {centroids.Length} entries for {count} adapters");
        return new RemotePool(id, count, rank, signal, length, poolModel, centroids);
    }
}
