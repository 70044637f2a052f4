namespace Crayon.Customization;

/// <summary>
/// The strategy constants of separable CMA-ES for dimension n: Hansen's defaults ("The CMA Evolution
/// Strategy: A Tutorial", 2016, table 1), with the covariance learning rates scaled by (n+2)/3 as
/// Ros &amp; Hansen (2008) prescribe for the diagonal variant.
/// </summary>
internal sealed class SepCmaEsParameters
{
    public SepCmaEsParameters(int n, int? populationSize)
    {
        Lambda = populationSize ?? 4 + (int)Math.Floor(3 * Math.Log(n));
        Mu = Lambda / 2;
        var raw = Enumerable.Range(1, Mu).Select(i => Math.Log(Mu + 0.5) - Math.Log(i)).ToArray();
        var total = raw.Sum();
        Weights = raw.Select(w => w / total).ToArray();
        MuEff = 1.0 / Weights.Sum(w => w * w);
        CSigma = (MuEff + 2) / (n + MuEff + 5);
        DSigma = 1 + 2 * Math.Max(0, Math.Sqrt((MuEff - 1) / (n + 1)) - 1) + CSigma;
        CC = (4 + MuEff / n) / (n + 4 + 2 * MuEff / n);
        var separable = (n + 2) / 3.0;
        C1 = Math.Min(1, separable * 2 / ((n + 1.3) * (n + 1.3) + MuEff));
        CMu = Math.Min(1 - C1, separable * 2 * (MuEff - 2 + 1 / MuEff) / ((n + 2) * (n + 2) + MuEff));
        ExpectedNorm = Math.Sqrt(n) * (1 - 1.0 / (4 * n) + 1.0 / (21.0 * n * n));
    }

    public int Lambda { get; }
    public int Mu { get; }
    public double[] Weights { get; }
    public double MuEff { get; }
    public double CSigma { get; }
    public double DSigma { get; }
    public double CC { get; }
    public double C1 { get; }
    public double CMu { get; }

    /// <summary>E‖N(0, I)‖.</summary>
    public double ExpectedNorm { get; }
}
