using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Tasks;

namespace Crayon.Benchmarking.Customize;

/// <summary>Scores alpha variants of one task on its validation items; identical alphas are scored once.</summary>
internal sealed class ValidationRun(LlamaModel model, Customizer customizer, CustomizeBenchmarkSettings settings, CancellationToken cancellation)
{
    public IReadOnlyList<AblationRow> Evaluate(string task, IReadOnlyList<QaItem> examples, IReadOnlyList<QaItem> validation, IReadOnlyList<AblationVariant> variants)
    {
        using var context = model.CreateContext(new LlamaContextOptions { ContextLength = settings.ScoringContextLength, Threads = 1 });
        var budget = QaModelScorer.BudgetFor(settings.ContextLength);
        TaskMetrics Score()
        {
            var metrics = QaModelScorer.Evaluate(context, task, validation, cancellation, budget);
            context.ApplyAdapters(AdapterSet.None);
            return metrics;
        }
        var baseline = Score();
        TaskMetrics uniform;
        customizer.Apply(BlendAlpha.Uniform(customizer.Pool.Count), context);
        uniform = Score();
        var embedded = customizer.Embed(examples.AsExamples());
        var scored = new Dictionary<string, TaskMetrics>(StringComparer.Ordinal);
        var rows = new List<AblationRow>();
        foreach (var variant in variants)
        {
            var alpha = customizer.Coefficients(embedded, variant.Alpha, variant.Aggregation).Alpha;
            var key = string.Join(",", alpha.Select(a => a.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
            if (!scored.TryGetValue(key, out var metrics))
            {
                customizer.Apply(alpha, context);
                metrics = Score();
                scored[key] = metrics;
            }
            rows.Add(new AblationRow(variant, task, metrics, baseline, uniform, alpha));
        }
        return rows;
    }
}
