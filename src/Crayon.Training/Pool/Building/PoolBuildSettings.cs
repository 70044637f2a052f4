using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Crayon.Llama;
using Crayon.Training;

namespace Crayon.Pool.Building;

/// <summary>
/// How `crayon pool build` makes a pool: N clusters of the training examples' embeddings, one rank-r LoRA
/// per cluster. Everything here, with the model and the data, goes into <see cref="PoolBuildPlan.SettingsHash"/>,
/// which names cached pools and guards a resumed build against changed settings.
/// </summary>
public sealed record PoolBuildSettings
{
    /// <summary>N: clusters, hence base adapters.</summary>
    public required int Adapters { get; init; }

    /// <summary>LoRA rank of every base adapter.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>
    /// The measured default signal: the centered last hidden state. Centered first-layer queries collapse onto one
    /// direction on stories260K (similarities near ±1 for every task), and alphas from them lost to hidden-state ones
    /// on validation items (benchmarks/results/customize.md).
    /// </summary>
    public const EmbeddingSignal DefaultSignal = EmbeddingSignal.Hidden;

    /// <summary>Which activation embeds the examples (and, later, the user's examples).</summary>
    public EmbeddingSignal Signal { get; init; } = DefaultSignal;

    /// <summary>Seeds k-means and every adapter's training (initialisation and text order).</summary>
    public long Seed { get; init; }

    /// <summary>How each adapter trains; null: <see cref="TrainingOptions.AdapterDefaultsFor"/> the rank. Its seed is replaced by <see cref="Seed"/>.</summary>
    public TrainingOptions? Training { get; init; }

    /// <summary>
    /// A cluster with fewer examples than this trains on its own examples plus the examples nearest to its
    /// centroid from the other clusters, up to this many (see <see cref="ClusterTrainingSets"/>).
    /// </summary>
    public int MinClusterExamples { get; init; } = 32;

    /// <summary>
    /// Cluster and compare embeddings after subtracting the training examples' mean embedding (stored in the pool):
    /// cosines of raw mean activations are all close to 1 (see <see cref="AdapterPoolArtifact.EmbeddingCenter"/>).
    /// </summary>
    public bool CenterEmbeddings { get; init; } = true;

    /// <summary>The training options actually used: the given or measured defaults, with the pool's seed.</summary>
    public TrainingOptions EffectiveTraining => (Training ?? TrainingOptions.AdapterDefaultsFor(Rank)) with { Seed = Seed };

    internal void Validate(int examples)
    {
        if (Adapters < 1) throw new ArgumentOutOfRangeException(nameof(Adapters), Adapters, "a pool needs at least one adapter");
        if (Rank < 1) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "the LoRA rank must be at least 1");
        if (MinClusterExamples < 1) throw new ArgumentOutOfRangeException(nameof(MinClusterExamples), MinClusterExamples, "must be at least 1");
        if (!Enum.IsDefined(Signal)) throw new ArgumentOutOfRangeException(nameof(Signal), Signal, "not query or hidden");
        if (examples < Adapters)
            throw new ArgumentException($"{examples} training example(s) cannot form {Adapters} clusters; give more data or fewer --adapters");
        if (EffectiveTraining.Targets.IsAll) throw new ArgumentException("pool adapters are trained on named modules (e.g. attn_q,ffn_up), not on all tensors");
    }

    /// <summary>A canonical text of every setting, in a fixed order and the invariant culture (what the hash covers).</summary>
    internal string Canonical() => string.Create(CultureInfo.InvariantCulture,
        $"adapters={Adapters};rank={Rank};signal={Signal};center={CenterEmbeddings};seed={Seed};min_cluster={MinClusterExamples};{EffectiveTraining.Canonical()}");

    /// <summary>Lower-case hex SHA-256 of <paramref name="text"/>.</summary>
    internal static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
