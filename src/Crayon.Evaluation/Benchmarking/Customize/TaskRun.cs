using System.Diagnostics;
using Crayon.Adapters;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Tasks;

namespace Crayon.Benchmarking.Customize;

/// <summary>One task's records, alphas and costs.</summary>
internal sealed record TaskOutcome(IReadOnlyList<CustomizationRecord> Records, IReadOnlyList<TaskAlpha> Alphas, IReadOnlyList<MethodCosts> Costs);

/// <summary>
/// Scores every method on one task with its own context (one thread): base, uniform and oracle once, then for each K
/// Crayon, the best single adapter and the search, all on the same test items.
/// </summary>
internal sealed class TaskRun(LlamaModel model, Customizer customizer, CustomizeBenchmarkSettings settings, int rank, CancellationToken cancellation)
{
    public TaskOutcome Evaluate(TaskSplit split, LoraAdapter oracleAdapter)
    {
        using var context = model.CreateContext(new LlamaContextOptions { ContextLength = settings.ScoringContextLength, Threads = 1 });
        var n = customizer.Pool.Count;
        var baseline = Score(context, split, AdapterSet.None);
        TaskMetrics uniform;
        customizer.Apply(BlendAlpha.Uniform(n), context);
        uniform = Score(context, split, null);
        TaskMetrics oracle;
        using (var adapter = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(oracleAdapter), $"oracle {split.Name}"))
            oracle = Score(context, split, AdapterSet.Single(adapter));

        var records = new List<CustomizationRecord>();
        var alphas = new List<TaskAlpha>();
        var costs = new List<MethodCosts>();
        foreach (var k in settings.Ks.Where(split.Supports))
        {
            var examples = split.UserExamples(k);
            TaskMetrics crayon;
            CustomizationTimings timings;
            var customized = customizer.Customize(examples.AsExamples(), context);
            crayon = Score(context, split, null);
            timings = customized.Timings;

            var singleClock = Stopwatch.StartNew();
            var singleNll = Enumerable.Range(0, n).Select(i => ExamplesNll(context, OneHot(n, i), examples)).ToArray();
            var best = Array.IndexOf(singleNll, singleNll.Min());
            var singleTime = singleClock.Elapsed;
            alphas.Add(new TaskAlpha(split.Name, k, rank, customized.Similarities, customized.Alpha, customized.Scale, customized.Guard?.ToString(),
                HubStatistics.Of(customized.Alpha, customized.Similarities, singleNll)));
            var bestSingle = ScoreWith(context, split, OneHot(n, best));

            var search = SimplexSearch.Minimize(alpha => ExamplesNll(context, alpha, examples), n, new SimplexSearchOptions
            {
                MaxEvaluations = settings.SearchEvaluations,
                Seed = SeededRandom.Derive(settings.Seed, $"search:{split.Name}:{k}:{rank}"),
            });
            var searched = ScoreWith(context, split, search.BestAlpha);

            records.Add(CustomizationRecord.Create(split.Name, k, rank, new Dictionary<CustomizationMethod, TaskMetrics>
            {
                [CustomizationMethod.Base] = baseline,
                [CustomizationMethod.Uniform] = uniform,
                [CustomizationMethod.BestSingle] = bestSingle,
                [CustomizationMethod.Search] = searched,
                [CustomizationMethod.Crayon] = crayon,
                [CustomizationMethod.Oracle] = oracle,
            }));
            costs.Add(new MethodCosts(split.Name, k, rank, timings, n * k, singleTime, search.Evaluations, search.Evaluations * k, search.Elapsed, search.BestAlpha, best));
        }
        return new TaskOutcome(records, alphas, costs);
    }

    /// <summary>
    /// Mean answer NLL of the user's examples under the blend of <paramref name="alpha"/>: the baselines' objective.
    /// An example whose gold answer alone outruns the scoring context (a few train items run past 500 tokens; test
    /// items fit: <see cref="CustomizeBenchmarkSettings.ScoringContextLength"/> is sized for them) is left out of the mean: the same examples for every alpha, so the search still
    /// compares like with like, and one long example no longer stops the whole benchmark.
    /// </summary>
    private double ExamplesNll(LlamaContext context, double[] alpha, IReadOnlyList<QaItem> examples)
    {
        cancellation.ThrowIfCancellationRequested();
        customizer.Apply(alpha, context);
        var scored = examples.Select(e => GoldNllIfItFits(context, e)).OfType<double>().ToArray();
        if (scored.Length == 0) throw new InvalidOperationException($"none of the {examples.Count} user examples fits the scoring context of {context.ContextLength} tokens");
        return scored.Average();
    }

    private double? GoldNllIfItFits(LlamaContext context, QaItem example)
    {
        try
        {
            return QaModelScorer.GoldNll(context, example, Budget);
        }
        catch (PromptTooLongException)
        {
            return null;
        }
    }

    private TaskMetrics ScoreWith(LlamaContext context, TaskSplit split, double[] alpha)
    {
        customizer.Apply(alpha, context);
        return Score(context, split, null);
    }

    /// <summary>Scores the test items with <paramref name="adapters"/> applied first (null: keep what the context has).</summary>
    private TaskMetrics Score(LlamaContext context, TaskSplit split, AdapterSet? adapters)
    {
        if (adapters is not null) context.ApplyAdapters(adapters);
        var metrics = QaModelScorer.Evaluate(context, split.Name, split.Test, cancellation, Budget);
        context.ApplyAdapters(AdapterSet.None);
        return metrics;
    }

    private PromptBudget Budget => QaModelScorer.BudgetFor(settings.ContextLength);

    private static double[] OneHot(int n, int index)
    {
        var alpha = new double[n];
        alpha[index] = 1;
        return alpha;
    }
}
