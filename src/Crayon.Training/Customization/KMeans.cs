namespace Crayon.Customization;

/// <summary>
/// k-means with k-means++ initialisation (Arthur &amp; Vassilvitskii 2007), bit-for-bit deterministic:
/// a <see cref="SeededRandom"/> drives the seeding, all sums run in double in index order, and
/// distance ties go to the lower cluster index. Parallel assignment does not change the result because
/// each point's nearest centroid is computed independently. An empty cluster is re-seeded with the
/// point farthest from its centroid (taken from a cluster that keeps at least one point).
/// </summary>
public static class KMeans
{
    /// <summary>Clusters <paramref name="points"/>.</summary>
    /// <exception cref="ArgumentException">fewer points than clusters, differing dimensions, a non-finite value, or a zero vector under the cosine metric.</exception>
    public static KMeansResult Fit(IReadOnlyList<float[]> points, KMeansOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dimension = EmbeddingChecks.RequireUniform(points, "point");
        var k = options.Clusters;
        if (points.Count < k) throw new ArgumentException($"k-means needs at least as many points as clusters: {points.Count} points, {k} clusters");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.MaxIterations, nameof(options.MaxIterations));

        var x = Prepare(points, dimension, options.Metric);
        var centroids = PlusPlus(x, k, new SeededRandom(options.Seed));
        var assignments = Assign(x, centroids);
        var iterations = 0;
        var converged = false;
        while (true)
        {
            // Ends every pass, the last included, with no empty cluster and centroids = their clusters' means.
            ReseedEmptyClusters(x, assignments, k, centroids);
            centroids = Means(x, assignments, k, centroids, options.Metric);
            if (converged || iterations == options.MaxIterations) break;
            iterations++;
            var next = Assign(x, centroids);
            converged = next.AsSpan().SequenceEqual(assignments);
            assignments = next;
        }
        var sizes = new int[k];
        var inertia = 0.0;
        for (var i = 0; i < x.Length; i++)
        {
            sizes[assignments[i]]++;
            inertia += Distance2(x[i], centroids[assignments[i]]);
        }
        return new KMeansResult(assignments, ToFloat(centroids), sizes, inertia, iterations, converged);
    }

    private static double[][] Prepare(IReadOnlyList<float[]> points, int dimension, KMeansMetric metric)
    {
        var x = new double[points.Count][];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = new double[dimension];
            for (var j = 0; j < dimension; j++) x[i][j] = points[i][j];
            if (metric == KMeansMetric.Cosine && !Normalize(x[i]))
                throw new ArgumentException($"point {i} is the zero vector; cosine k-means cannot place it");
        }
        return x;
    }

    private static double[][] PlusPlus(double[][] x, int k, SeededRandom random)
    {
        var chosen = new List<int> { random.NextInt(x.Length) };
        var d2 = new double[x.Length];
        for (var i = 0; i < x.Length; i++) d2[i] = Distance2(x[i], x[chosen[0]]);
        while (chosen.Count < k)
        {
            var total = 0.0;
            foreach (var d in d2) total += d;
            int pick;
            if (total > 0)
            {
                var target = random.NextDouble() * total;
                var cumulative = 0.0;
                pick = -1;
                for (var i = 0; i < x.Length && pick < 0; i++)
                    if (d2[i] > 0 && (cumulative += d2[i]) > target) pick = i;
                if (pick < 0) pick = Array.FindLastIndex(d2, d => d > 0); // rounding left the target just past the end
            }
            else pick = Enumerable.Range(0, x.Length).First(i => !chosen.Contains(i)); // all points coincide with centres
            chosen.Add(pick);
            for (var i = 0; i < x.Length; i++) d2[i] = Math.Min(d2[i], Distance2(x[i], x[pick]));
        }
        return chosen.Select(i => (double[])x[i].Clone()).ToArray();
    }

    private static int[] Assign(double[][] x, double[][] centroids)
    {
        var assignments = new int[x.Length];
        Parallel.For(0, x.Length, new ParallelOptions { MaxDegreeOfParallelism = x.Length < 4096 ? 1 : -1 }, i =>
        {
            var best = 0;
            var bestDistance = double.PositiveInfinity;
            for (var c = 0; c < centroids.Length; c++)
            {
                var d = Distance2(x[i], centroids[c]);
                if (d < bestDistance) { bestDistance = d; best = c; }
            }
            assignments[i] = best;
        });
        return assignments;
    }

    private static double[][] Means(double[][] x, int[] assignments, int k, double[][] previous, KMeansMetric metric)
    {
        var dimension = x[0].Length;
        var sums = new double[k][];
        for (var c = 0; c < k; c++) sums[c] = new double[dimension];
        for (var i = 0; i < x.Length; i++)
        {
            var s = sums[assignments[i]];
            for (var j = 0; j < dimension; j++) s[j] += x[i][j];
        }
        var counts = new int[k];
        foreach (var a in assignments) counts[a]++;
        for (var c = 0; c < k; c++)
        {
            for (var j = 0; j < dimension; j++) sums[c][j] /= counts[c];
            // The mean of unit vectors can vanish (opposite points); keep the old direction then.
            if (metric == KMeansMetric.Cosine && !Normalize(sums[c])) sums[c] = (double[])previous[c].Clone();
        }
        return sums;
    }

    private static void ReseedEmptyClusters(double[][] x, int[] assignments, int k, double[][] centroids)
    {
        var counts = new int[k];
        foreach (var a in assignments) counts[a]++;
        for (var empty = 0; empty < k; empty++)
        {
            if (counts[empty] > 0) continue;
            var far = -1;
            var farDistance = -1.0;
            for (var i = 0; i < x.Length; i++)
            {
                if (counts[assignments[i]] < 2) continue;
                var d = Distance2(x[i], centroids[assignments[i]]);
                if (d > farDistance) { farDistance = d; far = i; }
            }
            counts[assignments[far]]--;
            assignments[far] = empty;
            counts[empty] = 1;
        }
    }

    private static double Distance2(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var j = 0; j < a.Length; j++)
        {
            var d = a[j] - b[j];
            sum += d * d;
        }
        return sum;
    }

    private static bool Normalize(double[] v)
    {
        var norm2 = 0.0;
        foreach (var e in v) norm2 += e * e;
        if (norm2 == 0) return false;
        var inverse = 1.0 / Math.Sqrt(norm2);
        for (var j = 0; j < v.Length; j++) v[j] *= inverse;
        return true;
    }

    private static float[][] ToFloat(double[][] centroids) =>
        centroids.Select(c => c.Select(e => (float)e).ToArray()).ToArray();
}
