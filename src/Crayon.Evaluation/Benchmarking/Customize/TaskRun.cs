using System.Diagnostics;
using Crayon.Adapters;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Tasks;

namespace Crayon.Benchmarking.Customize;

/// <summary>One task's records, alphas, costs and per-item NLLs.</summary>
internal sealed record TaskOutcome(IReadOnlyList<CustomizationRecord> Records, IReadOnlyList<TaskAlpha> Alphas, IReadOnlyList<MethodCosts> Costs,
    IReadOnlyList<ItemNlls> Items);

/// <summary>
/// Scores every method on one task with its own context (one thread): base, uniform and oracle once, then for each K
/// Crayon, the best single adapter and the search, all on the same test items. Without an oracle adapter (leave-tasks-out)
/// neither the oracle nor the search is run.
/// </summary>
internal sealed class TaskRun(LlamaModel model, Customizer customizer, CustomizeBenchmarkSettings settings, int rank, CancellationToken cancellation)
{
    public TaskOutcome Evaluate(TaskSplit split, LoraAdapter? oracleAdapter)
    {
        using var context = model.CreateContext(new LlamaContextOptions { ContextLength = settings.ScoringContextLength, Threads = 1 });
        var n = customizer.Pool.Count;
        var baseline = Score(context, split, AdapterSet.None);
        customizer.Apply(BlendAlpha.Uniform(n), context);
        var uniform = Score(context, split, null);
        Scored? oracle = null;
        if (oracleAdapter is not null)
        {
            using var adapter = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(oracleAdapter), $"oracle {split.Name}");
            oracle = Score(context, split, AdapterSet.Single(adapter));
        }

        var records = new List<CustomizationRecord>();
        var alphas = new List<TaskAlpha>();
        var costs = new List<MethodCosts>();
        var items = new List<ItemNlls>();
        foreach (var k in settings.Ks.Where(split.Supports))
        {
            var examples = split.UserExamples(k);
            var customized = customizer.Customize(examples.AsExamples(), context);
            var crayon = Score(context, split, null);
            var timings = customized.Timings;

            var singleClock = Stopwatch.StartNew();
            var singleNll = Enumerable.Range(0, n).Select(i => ExamplesNll(context, OneHot(n, i), examples)).ToArray();
            var best = Array.IndexOf(singleNll, singleNll.Min());
            var singleTime = singleClock.Elapsed;
            alphas.Add(new TaskAlpha(split.Name, k, rank, customized.Similarities, customized.Alpha, customized.Scale, customized.Guard?.ToString(),
                HubStatistics.Of(customized.Alpha, customized.Similarities, singleNll), customized.Guard?.Kept.Describe()));
            var bestSingle = ScoreWith(context, split, OneHot(n, best));

            var scored = new Dictionary<CustomizationMethod, Scored>
            {
                [CustomizationMethod.Base] = baseline,
                [CustomizationMethod.Uniform] = uniform,
                [CustomizationMethod.BestSingle] = bestSingle,
                [CustomizationMethod.Crayon] = crayon,
            };
            SimplexSearchResult? search = null;
            if (oracle is not null)
            {
                search = SimplexSearch.Minimize(alpha => ExamplesNll(context, alpha, examples), n, new SimplexSearchOptions
                {
                    MaxEvaluations = settings.SearchEvaluations,
                    Seed = SeededRandom.Derive(settings.Seed, $"search:{split.Name}:{k}:{rank}"),
                });
                scored[CustomizationMethod.Search] = ScoreWith(context, split, search.BestAlpha);
                scored[CustomizationMethod.Oracle] = oracle;
            }

            records.Add(CustomizationRecord.Create(split.Name, k, rank, scored.ToDictionary(p => p.Key, p => p.Value.Metrics)));
            items.Add(new ItemNlls(split.Name, k, rank, split.Test.Select(i => i.Id).ToArray(), scored.ToDictionary(p => p.Key, p => p.Value.ItemNll)));
            costs.Add(new MethodCosts(split.Name, k, rank, timings, n * k, singleTime, search?.Evaluations ?? 0, (search?.Evaluations ?? 0) * k,
                search?.Elapsed ?? TimeSpan.Zero, search?.BestAlpha ?? [], best));
        }
        return new TaskOutcome(records, alphas, costs, items);
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

    /// <summary>A method's summary on the test items and each item's gold NLL, in item order.</summary>
    private sealed record Scored(TaskMetrics Metrics, double[] ItemNll);

    private Scored ScoreWith(LlamaContext context, TaskSplit split, double[] alpha)
    {
        customizer.Apply(alpha, context);
        return Score(context, split, null);
    }

    /// <summary>Scores the test items with <paramref name="adapters"/> applied first (null: keep what the context has).</summary>
    private Scored Score(LlamaContext context, TaskSplit split, AdapterSet? adapters)
    {
        if (adapters is not null) context.ApplyAdapters(adapters);
        var scores = QaModelScorer.ScoreAll(context, split.Test, cancellation, Budget);
        context.ApplyAdapters(AdapterSet.None);
        return new Scored(MetricAccumulator.Summarize(split.Name, scores), scores.Select(s => s.GoldNll).ToArray());
    }

    private PromptBudget Budget => QaModelScorer.BudgetFor(settings.ContextLength);

    private static double[] OneHot(int n, int index)
    {
        var alpha = new double[n];
        alpha[index] = 1;
        return alpha;
    }
}
