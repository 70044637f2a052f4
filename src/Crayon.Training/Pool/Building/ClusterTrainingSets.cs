using Crayon.Customization;

namespace Crayon.Pool.Building;

/// <summary>The examples one base adapter trains on: its cluster's members, then any top-up.</summary>
/// <param name="Members">Indices of the cluster's own examples, in data order.</param>
/// <param name="TopUp">Indices of borrowed examples, nearest to the centroid first.</param>
public sealed record ClusterTrainingSet(IReadOnlyList<int> Members, IReadOnlyList<int> TopUp)
{
    public IEnumerable<int> All => Members.Concat(TopUp);
    public int Count => Members.Count + TopUp.Count;
}

/// <summary>
/// Decides what each base adapter trains on. A cluster's own examples always; a cluster smaller than the
/// minimum is topped up with the examples nearest to its centroid (cosine) from other clusters, so that no
/// adapter is trained on a handful of texts (a few optimizer steps, a noisy adapter) while N stays what was
/// asked for and the adapter still specialises around its indicator. Merging small clusters instead would
/// leave fewer adapters than requested and centroids that no longer match the clustering.
/// </summary>
public static class ClusterTrainingSets
{
    public static IReadOnlyList<ClusterTrainingSet> Choose(IReadOnlyList<float[]> embeddings, KMeansResult clusters, int minimum)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(minimum);
        if (clusters.Assignments.Length != embeddings.Count)
            throw new ArgumentException($"{clusters.Assignments.Length} assignments for {embeddings.Count} embeddings");
        var minimumReachable = Math.Min(minimum, embeddings.Count);
        var sets = new ClusterTrainingSet[clusters.Centroids.Length];
        for (var c = 0; c < sets.Length; c++)
        {
            var members = Enumerable.Range(0, embeddings.Count).Where(i => clusters.Assignments[i] == c).ToArray();
            var missing = minimumReachable - members.Length;
            int[] topUp = [];
            if (missing > 0)
            {
                var similarities = CosineSimilarity.ToEach(clusters.Centroids[c], embeddings);
                topUp = Enumerable.Range(0, embeddings.Count).Where(i => clusters.Assignments[i] != c)
                    .OrderByDescending(i => similarities[i]).ThenBy(i => i).Take(missing).ToArray();
            }
            sets[c] = new ClusterTrainingSet(members, topUp);
        }
        return sets;
    }
}
