using Crayon.Llama;
using Crayon.Pool;

namespace Crayon.Customization;

/// <summary>
/// A customization request made on the device ahead of time: the user's examples as embeddings
/// (`crayon embed --examples`), with the model and signal that made them, so that they are only ever
/// compared with centroids of the same space. "Examples made for another model" are embeddings whose
/// model fingerprint, signal or dimension differ from the pool's.
/// </summary>
public sealed record ExampleEmbeddings
{
    public ExampleEmbeddings(PoolModel model, EmbeddingSignal signal, IReadOnlyList<float[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vectors);
        if (!Enum.IsDefined(signal)) throw new ArgumentOutOfRangeException(nameof(signal), signal, "not query or hidden");
        EmbeddingChecks.RequireUniform(vectors, "example embedding");
        Model = model;
        Signal = signal;
        Vectors = vectors;
    }

    public PoolModel Model { get; }
    public EmbeddingSignal Signal { get; }
    public IReadOnlyList<float[]> Vectors { get; }
    public int Dimension => Vectors[0].Length;

    /// <summary>Throws a clear error unless these embeddings live in <paramref name="pool"/>'s space.</summary>
    /// <exception cref="PoolMismatchException">another model, signal or dimension.</exception>
    public void EnsureMatches(AdapterPoolArtifact pool, string source = "the examples")
    {
        ArgumentNullException.ThrowIfNull(pool);
        if (Model.Architecture != pool.Model.Architecture || Model.Fingerprint != pool.Model.Fingerprint)
            throw new PoolMismatchException(
                $"{source} were embedded by model '{Model.Name}' ({Model.Architecture}, fingerprint {Short(Model.Fingerprint)}), but the pool was built for " +
                $"'{pool.Model.Name}' ({pool.Model.Architecture}, fingerprint {Short(pool.Model.Fingerprint)}); embed them again with the pool's model");
        if (Signal != pool.Signal)
            throw new PoolMismatchException($"{source} are {Name(Signal)} embeddings, but the pool's centroids are {Name(pool.Signal)} embeddings; embed them with --signal {Name(pool.Signal)}");
        if (Dimension != pool.EmbeddingLength)
            throw new PoolMismatchException($"{source} have {Dimension} values each, but the pool's centroids have {pool.EmbeddingLength}");
    }

    internal static string Name(EmbeddingSignal signal) => signal.ToString().ToLowerInvariant();

    private static string Short(string fingerprint) => fingerprint.Length > 12 ? fingerprint[..12] + "…" : fingerprint;
}
