using System.Globalization;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Pool;

namespace Crayon.Benchmarking.Customize;

/// <summary>One way of turning a task's examples into an adapter, measured by the ablation.</summary>
public sealed record AblationVariant(EmbeddingSignal Signal, bool Center, double Tau, int? TopK, CustomizationMode Mode,
    ExampleAggregation Aggregation = ExampleAggregation.MeanEmbedding, HubCorrection Hub = HubCorrection.None)
{
    public string Name => string.Create(CultureInfo.InvariantCulture,
        $"{Signal.ToString().ToLowerInvariant()}{(Center ? "" : " raw")}, tau {Tau:g}, top-k {(TopK?.ToString(CultureInfo.InvariantCulture) ?? "all")}, {AlphaCommandName(Mode)}") +
        (Aggregation == ExampleAggregation.MeanAlpha ? ", mean alpha" : "") +
        (Hub == HubCorrection.None ? "" : ", hub " + CustomizeBenchmarkSettings.HubName(Hub));

    /// <summary>The alpha options this variant computes with.</summary>
    public AlphaOptions Alpha => new() { Temperature = Tau, TopK = TopK, Hub = Hub };

    internal static string AlphaCommandName(CustomizationMode mode) => mode == CustomizationMode.RuntimeMix ? "mix" : mode.ToString().ToLowerInvariant();
}

/// <summary>One variant on one task: mean answer NLL and accuracy on the validation items, with the references.</summary>
public sealed record AblationRow(AblationVariant Variant, string Task, TaskMetrics Metrics, TaskMetrics Base, TaskMetrics Uniform, double[] Alpha);

/// <summary>A variant over all tasks.</summary>
/// <param name="RelativeNll">Mean over tasks of NLL ÷ the uniform blend's NLL (below 1: better than uniform).</param>
/// <param name="Wins">Tasks where the variant's NLL is below both the base model's and the uniform blend's.</param>
/// <param name="BelowBase">Tasks where the variant's NLL is below the base model's (what matters most on a task the pool never saw).</param>
public sealed record AblationSummary(AblationVariant Variant, double RelativeNll, double MeanAccuracy, int Wins, int Tasks, int BelowBase = 0);

/// <summary>
/// `crayon bench customize --ablation`: tau, top-k, blend mode (linear, concat, runtime mix), embedding signal (query,
/// hidden) and centering, each measured on VALIDATION items carved from the train splits (never the test split), with
/// the user's K examples as in the benchmark. Defaults are picked from these numbers.
/// </summary>
public static class CustomizeAblation
{
    /// <summary>
    /// The grid: for both signals and both aggregations, tau × top-k in concat mode; linear and runtime mix against
    /// concat at a few points; and raw (uncentered) similarities, whose cosines all lie near 1, at small tau.
    /// </summary>
    public static IReadOnlyList<AblationVariant> DefaultGrid(EmbeddingSignal signal = EmbeddingSignal.Query)
    {
        double[] taus = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5];
        int?[] tops = [2, null];
        ExampleAggregation[] aggregations = [ExampleAggregation.MeanEmbedding, ExampleAggregation.MeanAlpha];
        var other = signal == EmbeddingSignal.Query ? EmbeddingSignal.Hidden : EmbeddingSignal.Query;
        var grid = new List<AblationVariant>();
        foreach (var s in new[] { signal, other })
            grid.AddRange(from a in aggregations from t in taus from k in tops select new AblationVariant(s, true, t, k, CustomizationMode.Concat, a));
        grid.AddRange(from t in new[] { 0.05, 0.1 } from a in aggregations from m in new[] { CustomizationMode.Linear, CustomizationMode.RuntimeMix }
                      select new AblationVariant(signal, true, t, null, m, a));
        grid.AddRange(from t in new[] { 0.0005, 0.002, 0.01 } from a in aggregations select new AblationVariant(signal, false, t, null, CustomizationMode.Concat, a));
        return grid;
    }

    /// <summary>
    /// The hub-correction grid (issue 13, item 2): the chosen signal and aggregation (hidden, centered, mean alpha, concat,
    /// all adapters) with no correction, the centroid-mean (CSLS) and the per-centroid z-score, each over a range of
    /// temperatures suited to its scale (cosines differ by hundredths, z-scores by units).
    /// </summary>
    public static IReadOnlyList<AblationVariant> HubGrid(EmbeddingSignal signal = EmbeddingSignal.Hidden)
    {
        var grid = new List<AblationVariant>();
        foreach (var tau in new[] { 0.005, 0.01, 0.02, 0.05, 0.1, 0.2 })
        {
            grid.Add(new AblationVariant(signal, true, tau, null, CustomizationMode.Concat, ExampleAggregation.MeanAlpha));
            grid.Add(new AblationVariant(signal, true, tau, null, CustomizationMode.Concat, ExampleAggregation.MeanAlpha, HubCorrection.CentroidMean));
        }
        foreach (var tau in new[] { 0.05, 0.1, 0.2, 0.5, 1, 2, 5 })
            grid.Add(new AblationVariant(signal, true, tau, null, CustomizationMode.Concat, ExampleAggregation.MeanAlpha, HubCorrection.CentroidZScore));
        return grid;
    }

    /// <summary>
    /// Measures <paramref name="variants"/> on validation items. Leaving tasks out (<see cref="CustomizeBenchmarkSettings.LeaveOut"/>),
    /// the pool is built without them and only they are scored: how each variant does on tasks the pool never saw.
    /// </summary>
    public static (IReadOnlyList<AblationRow> Rows, IReadOnlyList<AblationSummary> Summary) Run(string modelPath, CustomizeBenchmarkSettings settings,
        IReadOnlyList<AblationVariant> variants, int validationItems, IProgress<BenchmarkStep>? progress = null, string? cacheFolder = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(variants);
        settings.Validate();
        var k = settings.Ks.Max();
        var (poolSplits, splits) = CustomizeBenchmark.ValidationSplits(settings, progress);
        var identity = PoolModelIdentity.Of(modelPath);
        using var model = LlamaModel.Load(modelPath, new LlamaModelOptions { Backend = LlamaBackend.Cpu });
        var rows = new List<AblationRow>();
        foreach (var space in variants.GroupBy(v => (v.Signal, v.Center)))
        {
            var spaceSettings = settings with { Signal = space.Key.Signal, Center = space.Key.Center };
            var pool = CustomizeBenchmark.BuildPool(modelPath, poolSplits, spaceSettings, settings.MainRank, progress, cacheFolder, cancellation).Pool;
            foreach (var mode in space.GroupBy(v => v.Mode))
            {
                using var customizer = new Customizer(model, identity, pool, new CustomizerOptions { Mode = mode.Key, Signal = space.Key.Signal });
                var perTask = CustomizeBenchmark.ForEachTask(splits, settings.Jobs, $"ablation {space.Key.Signal}{(space.Key.Center ? "" : " raw")} {mode.Key}",
                    progress, cancellation, split => new ValidationRun(model, customizer, settings, cancellation)
                        .Evaluate(split.Name, split.UserExamples(k), split.Validation.Take(validationItems).ToArray(), mode.ToArray()));
                rows.AddRange(perTask.SelectMany(r => r));
            }
        }
        var summary = variants.Select(v =>
        {
            var mine = rows.Where(r => r.Variant == v).ToArray();
            return new AblationSummary(v, mine.Average(r => r.Metrics.MeanNll / r.Uniform.MeanNll), mine.Average(r => r.Metrics.Accuracy),
                mine.Count(r => r.Metrics.MeanNll < r.Base.MeanNll && r.Metrics.MeanNll < r.Uniform.MeanNll), mine.Length,
                mine.Count(r => r.Metrics.MeanNll < r.Base.MeanNll));
        }).ToArray();
        return (rows, summary);
    }
}
