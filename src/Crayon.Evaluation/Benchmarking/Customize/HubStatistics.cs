namespace Crayon.Benchmarking.Customize;

/// <summary>
/// Whether alpha piles onto one hub adapter whatever the task: the entropy of alpha (nats; ln N is uniform), the share
/// of the top adapter, and Spearman's rank correlation between an adapter's similarity and its own NLL on the task (a
/// discriminative similarity gives the most similar adapter the lowest NLL: a negative correlation).
/// </summary>
/// <param name="SimilarityNllSpearman">Over the pool's adapters; the NLL is each adapter's alone on the user's K examples (the
/// best-single baseline scores them anyway, so this costs no forward pass); null when either side is constant.</param>
public sealed record HubStatistics(double AlphaEntropy, double TopShare, double? SimilarityNllSpearman)
{
    public static HubStatistics Of(double[] alpha, double[] similarities, double[] ownNll)
    {
        var entropy = -alpha.Where(a => a > 0).Sum(a => a * Math.Log(a));
        return new HubStatistics(entropy, alpha.Max(), Spearman(similarities, ownNll));
    }

    /// <summary>Pearson correlation of the ranks (ties get their mean rank).</summary>
    public static double? Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException($"{x.Count} values against {y.Count}");
        if (x.Count < 2) return null;
        var rx = Ranks(x);
        var ry = Ranks(y);
        var mx = rx.Average();
        var my = ry.Average();
        double sxy = 0, sxx = 0, syy = 0;
        for (var i = 0; i < rx.Length; i++)
        {
            sxy += (rx[i] - mx) * (ry[i] - my);
            sxx += (rx[i] - mx) * (rx[i] - mx);
            syy += (ry[i] - my) * (ry[i] - my);
        }
        return sxx == 0 || syy == 0 ? null : sxy / Math.Sqrt(sxx * syy);
    }

    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            for (var j = start; j <= end; j++) ranks[order[j]] = (start + end) / 2.0 + 1;
            start = end + 1;
        }
        return ranks;
    }
}
