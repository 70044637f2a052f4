using Crayon.Adapters;
using Crayon.Llama;

namespace Crayon.Pool;

/// <summary>
/// A built Crayon pool: N base LoRA adapters, each with its indicator (the centroid of the examples it was
/// trained on, in the space of <see cref="Signal"/> embeddings of <see cref="Model"/>), plus how it was built.
/// Stored as one self-describing, versioned, checksummed GGUF file by <see cref="AdapterPoolFile"/>.
/// </summary>
public sealed class AdapterPoolArtifact
{
    /// <param name="embeddingCenter">The mean embedding of the training examples, subtracted from every embedding before it is compared
    /// with the centroids (which then live in the centered space); null when the pool compares raw embeddings.</param>
    public AdapterPoolArtifact(AdapterPool adapters, IReadOnlyList<float[]> centroids, EmbeddingSignal signal, PoolModel model,
                               IReadOnlyList<string>? adapterNames = null, IReadOnlyDictionary<string, string>? provenance = null,
                               float[]? embeddingCenter = null)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        ArgumentNullException.ThrowIfNull(centroids);
        ArgumentNullException.ThrowIfNull(model);
        if (!Enum.IsDefined(signal)) throw new ArgumentException($"embedding signal {(int)signal} is not query or hidden", nameof(signal));
        if (centroids.Count != adapters.Count)
            throw new ArgumentException($"the pool has {adapters.Count} adapters but {centroids.Count} centroids; each adapter needs one", nameof(centroids));
        var dimension = centroids[0].Length;
        for (var i = 0; i < centroids.Count; i++)
        {
            if (centroids[i].Length != dimension || dimension == 0)
                throw new ArgumentException($"centroid {i} has {centroids[i].Length} values; centroid 0 has {dimension} (all must match and be non-empty)", nameof(centroids));
            if (centroids[i].Any(v => !float.IsFinite(v)))
                throw new ArgumentException($"centroid {i} holds a NaN or infinite value", nameof(centroids));
        }
        if (embeddingCenter is not null && (embeddingCenter.Length != dimension || embeddingCenter.Any(v => !float.IsFinite(v))))
            throw new ArgumentException($"the embedding center has {embeddingCenter.Length} values (or a non-finite one); the centroids have {dimension}", nameof(embeddingCenter));
        adapterNames ??= Enumerable.Range(0, adapters.Count).Select(i => $"adapter-{i}").ToArray();
        if (adapterNames.Count != adapters.Count)
            throw new ArgumentException($"{adapterNames.Count} adapter names for {adapters.Count} adapters", nameof(adapterNames));
        Adapters = adapters;
        Centroids = centroids;
        Signal = signal;
        Model = model;
        AdapterNames = adapterNames;
        Provenance = provenance ?? new Dictionary<string, string>();
        EmbeddingCenter = embeddingCenter;
        Prior = PoolPrior.From(Provenance, adapters.Count);
    }

    /// <summary>Each adapter's share of the examples the pool was built from (<see cref="PoolPrior"/>); uniform when the build did not record cluster sizes.</summary>
    public IReadOnlyList<double> Prior { get; }

    /// <summary>
    /// Subtracted from an embedding before it meets the centroids; null: embeddings are compared as they are. The mean
    /// over tokens of a model's activations shares one large component across all texts (for stories260K's first-layer
    /// queries, every cosine is above 0.99), which centering removes so that similarities tell tasks apart.
    /// </summary>
    public float[]? EmbeddingCenter { get; }

    /// <summary>An embedding moved into the centroids' space (minus <see cref="EmbeddingCenter"/> when there is one).</summary>
    public float[] ToCentroidSpace(ReadOnlySpan<float> embedding)
    {
        if (embedding.Length != EmbeddingLength)
            throw new ArgumentException($"the embedding has {embedding.Length} values; this pool's centroids have {EmbeddingLength} (another model or signal?)");
        var moved = embedding.ToArray();
        if (EmbeddingCenter is { } center)
            for (var i = 0; i < moved.Length; i++) moved[i] -= center[i];
        return moved;
    }

    /// <summary>The similarity of q_c to every centroid and the alpha made from them: the one place alpha is computed from a pool.</summary>
    public Customization.BlendCoefficients Coefficients(ReadOnlySpan<float> taskEmbedding, Customization.AlphaOptions? options = null) =>
        Customization.BlendAlpha.FromEmbedding(ToCentroidSpace(taskEmbedding), Centroids, options);

    public AdapterPool Adapters { get; }
    public int Count => Adapters.Count;

    /// <summary>One indicator per adapter: the mean embedding of the examples it specialises in.</summary>
    public IReadOnlyList<float[]> Centroids { get; }

    public int EmbeddingLength => Centroids[0].Length;
    public EmbeddingSignal Signal { get; }
    public PoolModel Model { get; }
    public IReadOnlyList<string> AdapterNames { get; }

    /// <summary>How the pool was built (seed, data, epochs, learning rate, …), as the builder recorded it.</summary>
    public IReadOnlyDictionary<string, string> Provenance { get; }

    /// <summary>Throws a clear error when this pool was built for another model than <paramref name="model"/>.</summary>
    public void EnsureBuiltFor(PoolModel model, string poolSource = "pool")
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Architecture != Model.Architecture || model.Fingerprint != Model.Fingerprint)
            throw new PoolMismatchException(
                $"{poolSource} was built for model '{Model.Name}' ({Model.Architecture}, fingerprint {Model.Fingerprint[..12]}…), " +
                $"not for '{model.Name}' ({model.Architecture}, fingerprint {model.Fingerprint[..Math.Min(12, model.Fingerprint.Length)]}…); rebuild the pool for this model");
    }
}

/// <summary>A pool (or embeddings) used with a model it was not built for.</summary>
public sealed class PoolMismatchException(string message) : Exception(message);
