namespace Crayon.Customization;

/// <summary>The geometry k-means works in.</summary>
public enum KMeansMetric
{
    /// <summary>Squared Euclidean distance on the raw vectors.</summary>
    Euclidean,

    /// <summary>
    /// Spherical k-means: points and centroids are normalised to unit length, so the squared distance
    /// is 2 - 2·cos and the centroids match how alpha measures similarity.
    /// </summary>
    Cosine,
}

/// <summary>Settings for <see cref="KMeans.Fit"/>.</summary>
public sealed record KMeansOptions
{
    /// <summary>Builds options for <paramref name="clusters"/> clusters.</summary>
    public KMeansOptions(int clusters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clusters);
        Clusters = clusters;
    }

    /// <summary>N: the number of clusters, one per base adapter.</summary>
    public int Clusters { get; }

    /// <summary>Seeds the k-means++ initialisation; the same seed gives bit-identical centroids.</summary>
    public long Seed { get; init; }

    /// <summary>Lloyd iterations at most; the fit stops earlier once no assignment changes.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>The geometry; cosine by default, matching how alpha compares q_c with the centroids.</summary>
    public KMeansMetric Metric { get; init; } = KMeansMetric.Cosine;
}

/// <summary>The outcome of a k-means fit.</summary>
/// <param name="Assignments">For each point, the index of its cluster. Each centroid is the mean of its cluster's points;
/// when <paramref name="Converged"/>, each point is also nearest (ties: lower index) to its own centroid.</param>
/// <param name="Centroids">One centroid per cluster (unit length under <see cref="KMeansMetric.Cosine"/>).</param>
/// <param name="ClusterSizes">Points per cluster; never zero.</param>
/// <param name="Inertia">Sum of squared distances of points to their centroids, in the metric's geometry.</param>
/// <param name="Iterations">Lloyd iterations run.</param>
/// <param name="Converged">True when the last iteration changed no assignment.</param>
public sealed record KMeansResult(int[] Assignments, float[][] Centroids, int[] ClusterSizes, double Inertia, int Iterations, bool Converged);
