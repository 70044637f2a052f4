using System.Diagnostics;

namespace Crayon.Customization;

/// <summary>
/// The LoraHub-style baseline: a gradient-free search for the alpha that minimises an objective
/// (in the benchmark, the mean NLL of the user's examples under the blend), over the probability
/// simplex. Points are searched as unconstrained logits z, and the objective always sees
/// alpha = softmax(z), so every evaluated blend is a valid convex combination.
/// The optimiser is separable CMA-ES (Ros &amp; Hansen 2008): CMA-ES with a diagonal covariance,
/// which learns per-weight step sizes n/3 times faster than full CMA-ES and needs no
/// eigendecomposition. That suits the regime here, about 30 adapters and a budget of 100-300
/// evaluations, where full CMA-ES barely adapts and Nelder-Mead spends n+1 evaluations on its first simplex.
/// The start point is evaluated first, so the result is never worse than the start; the whole budget
/// is spent unless the step size collapses first.
/// </summary>
public static class SimplexSearch
{
    private const double MinWeight = 1e-4; // start weights of 0 become this before the log

    /// <summary>Minimises <paramref name="objective"/>(alpha) over alpha on the <paramref name="dimensions"/>-simplex.</summary>
    /// <exception cref="ArgumentException">bad options or dimensions.</exception>
    /// <exception cref="InvalidOperationException">the objective returned no finite value within the budget.</exception>
    public static SimplexSearchResult Minimize(Func<double[], double> objective, int dimensions, SimplexSearchOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        options ??= new SimplexSearchOptions();
        options.Validate(dimensions);

        var clock = Stopwatch.StartNew();
        var tracker = new EvaluationTracker(objective, options.MaxEvaluations);
        var start = StartLogits(options.Start, dimensions);
        tracker.Evaluate(start);
        var generations = dimensions == 1 ? 0 : RunCmaEs(tracker, start, options);
        clock.Stop();

        if (!double.IsFinite(tracker.BestValue))
            throw new InvalidOperationException($"the search objective returned no finite value in {tracker.Evaluations} evaluation(s)");
        return new SimplexSearchResult(tracker.BestAlpha!, tracker.BestValue, tracker.StartValue, tracker.Evaluations,
            tracker.NonFinite, generations, tracker.ObjectiveTime, clock.Elapsed, tracker.History);
    }

    /// <summary>softmax(z), stable for any finite z.</summary>
    public static double[] Softmax(ReadOnlySpan<double> logits) => Crayon.Customization.Softmax.Of(logits);

    private static double[] StartLogits(double[]? start, int n)
    {
        if (start is null) return new double[n];
        var total = start.Sum();
        return start.Select(w => Math.Log(Math.Max(w / total, MinWeight))).ToArray();
    }

    private static int RunCmaEs(EvaluationTracker tracker, double[] mean, SimplexSearchOptions options)
    {
        var n = mean.Length;
        var p = new SepCmaEsParameters(n, options.PopulationSize);
        var random = new SeededRandom(options.Seed);
        var sigma = options.InitialStep;
        var variance = Enumerable.Repeat(1.0, n).ToArray(); // the diagonal of C
        var pathSigma = new double[n];
        var pathC = new double[n];
        var generations = 0;

        while (tracker.Remaining > 0)
        {
            // A last, partial generation spends the rest of the budget on samples without adapting.
            var count = Math.Min(p.Lambda, tracker.Remaining);
            var ys = new double[p.Lambda][];
            var values = new double[p.Lambda];
            for (var k = 0; k < count; k++)
            {
                ys[k] = new double[n];
                var candidate = new double[n];
                for (var i = 0; i < n; i++)
                {
                    ys[k][i] = Math.Sqrt(variance[i]) * random.NextGaussian();
                    candidate[i] = mean[i] + sigma * ys[k][i];
                }
                values[k] = tracker.Evaluate(candidate);
            }
            if (count < p.Lambda) break;
            var ranked = Enumerable.Range(0, p.Lambda).OrderBy(k => values[k]).ThenBy(k => k).ToArray();

            var yw = new double[n];
            for (var r = 0; r < p.Mu; r++)
                for (var i = 0; i < n; i++) yw[i] += p.Weights[r] * ys[ranked[r]][i];
            for (var i = 0; i < n; i++) mean[i] += sigma * yw[i];

            var normPs = 0.0;
            for (var i = 0; i < n; i++)
            {
                pathSigma[i] = (1 - p.CSigma) * pathSigma[i] + Math.Sqrt(p.CSigma * (2 - p.CSigma) * p.MuEff) * yw[i] / Math.Sqrt(variance[i]);
                normPs += pathSigma[i] * pathSigma[i];
            }
            normPs = Math.Sqrt(normPs);
            generations++;
            var hSigma = normPs / Math.Sqrt(1 - Math.Pow(1 - p.CSigma, 2.0 * generations)) < (1.4 + 2.0 / (n + 1)) * p.ExpectedNorm ? 1.0 : 0.0;
            for (var i = 0; i < n; i++)
            {
                pathC[i] = (1 - p.CC) * pathC[i] + hSigma * Math.Sqrt(p.CC * (2 - p.CC) * p.MuEff) * yw[i];
                var rankMu = 0.0;
                for (var r = 0; r < p.Mu; r++) rankMu += p.Weights[r] * ys[ranked[r]][i] * ys[ranked[r]][i];
                variance[i] = (1 - p.C1 - p.CMu) * variance[i]
                    + p.C1 * (pathC[i] * pathC[i] + (1 - hSigma) * p.CC * (2 - p.CC) * variance[i])
                    + p.CMu * rankMu;
            }
            sigma *= Math.Exp(p.CSigma / p.DSigma * (normPs / p.ExpectedNorm - 1));
            if (sigma * Math.Sqrt(variance.Max()) < 1e-10) break; // converged: further samples would repeat the mean
        }
        return generations;
    }
}
