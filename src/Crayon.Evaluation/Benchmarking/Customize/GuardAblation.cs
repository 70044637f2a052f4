using System.Globalization;
using System.Text;
using System.Text.Json;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tasks;

namespace Crayon.Benchmarking.Customize;

/// <summary>
/// One task of the guard ablation: each candidate's mean NLL on the user's held-out examples (what the guard judges) and,
/// refit on all K examples, on the task's validation items (what the choice is worth); the references and the guard's cost.
/// </summary>
public sealed record GuardAblationTask(string Task, IReadOnlyList<GuardCandidate> HeldOut, IReadOnlyDictionary<GuardChoice, double> ValidationNll,
    double BaseNll, double UniformNll, int ForwardPasses, int Blends, TimeSpan GuardTime);

/// <summary>One candidate set over all tasks: what the guard kept with only these candidates, scored on validation items.</summary>
/// <param name="RelativeNll">Mean over tasks of the kept candidate's validation NLL ÷ the uniform blend's.</param>
/// <param name="Wins">Tasks where the kept candidate is below both the base model and the uniform blend.</param>
/// <param name="Kept">Per task, the candidate kept.</param>
public sealed record GuardSetSummary(IReadOnlyList<GuardChoice> Set, double RelativeNll, double MeanNll, int Wins, int BelowBase, int Tasks,
    IReadOnlyList<GuardChoice> Kept)
{
    public string Name => string.Join(" + ", Set.Select(c => c.Name));
}

/// <summary>
/// `crayon bench customize --ablation --ablation-grid guard`: which guard candidates to try by default, decided on
/// VALIDATION items (never test). The guard runs once per task with every candidate (<see cref="Candidates"/>); a subset's
/// verdict is the lowest held-out NLL among its members (the guard's own rule, ties to the one listed first), so every
/// set of <see cref="Sets"/> is read off the same run, and each kept candidate (refit on all K examples, as the guard
/// makes it live) is scored on the validation items.
/// </summary>
public static class GuardAblation
{
    /// <summary>Every candidate measured: no adapter, the blend, alpha halfway to uniform, alpha at tau ×4, alpha halfway and three quarters of the way to the pool's prior.</summary>
    public static IReadOnlyList<GuardChoice> Candidates { get; } =
        [GuardChoice.NoAdapter, GuardChoice.Blend, GuardChoice.TowardUniform(0.5), GuardChoice.Tempered(4), GuardChoice.TowardPrior(0.5), GuardChoice.TowardPrior(0.25)];

    /// <summary>
    /// The sets compared: the guard's first default (no adapter and the blend), then with alpha halfway to uniform (the
    /// second default), with the tempered alpha, with both, and with alpha toward the pool's prior (halfway: today's
    /// default, chosen by this ablation; with three quarters of the way too; beside halfway to uniform).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<GuardChoice>> Sets { get; } =
    [
        [GuardChoice.NoAdapter, GuardChoice.Blend],
        [GuardChoice.NoAdapter, GuardChoice.Blend, GuardChoice.TowardUniform(0.5)],
        [GuardChoice.NoAdapter, GuardChoice.Blend, GuardChoice.Tempered(4)],
        [GuardChoice.NoAdapter, GuardChoice.Blend, GuardChoice.TowardUniform(0.5), GuardChoice.Tempered(4)],
        [GuardChoice.NoAdapter, GuardChoice.Blend, GuardChoice.TowardPrior(0.5)],
        [GuardChoice.NoAdapter, GuardChoice.Blend, GuardChoice.TowardPrior(0.5), GuardChoice.TowardPrior(0.25)],
        [GuardChoice.NoAdapter, GuardChoice.Blend, GuardChoice.TowardUniform(0.5), GuardChoice.TowardPrior(0.5)],
    ];

    public static (IReadOnlyList<GuardAblationTask> Tasks, IReadOnlyList<GuardSetSummary> Summary) Run(string modelPath, CustomizeBenchmarkSettings settings,
        int validationItems, IProgress<BenchmarkStep>? progress = null, string? cacheFolder = null, CancellationToken cancellation = default)
    {
        settings.Validate();
        var k = settings.Ks.Max();
        var (poolSplits, splits) = CustomizeBenchmark.ValidationSplits(settings, progress);
        var identity = PoolModelIdentity.Of(modelPath);
        using var model = LlamaModel.Load(modelPath, new LlamaModelOptions { Backend = LlamaBackend.Cpu });
        var pool = CustomizeBenchmark.BuildPool(modelPath, poolSplits, settings, settings.MainRank, progress, cacheFolder, cancellation).Pool;
        using var customizer = new Customizer(model, identity, pool, new CustomizerOptions
        {
            Alpha = settings.Alpha, Mode = settings.Mode, Aggregation = settings.Aggregation, Signal = settings.Signal,
            Guard = new GuardOptions { Candidates = Candidates },
        });
        var tasks = CustomizeBenchmark.ForEachTask(splits, settings.Jobs, "guard ablation", progress, cancellation,
            split => One(model, customizer, settings, split.Name, split.UserExamples(k), split.Validation.Take(validationItems).ToArray(), cancellation));
        return (tasks, Sets.Select(set => Summarize(set, tasks)).ToArray());
    }

    /// <summary>What the guard keeps with only <paramref name="set"/>'s candidates, from the held-out NLLs of all of them.</summary>
    public static GuardChoice Keep(IReadOnlyList<GuardCandidate> heldOut, IReadOnlyList<GuardChoice> set) =>
        heldOut.Where(c => set.Contains(c.Choice)).MinBy(c => c.MeanNll)?.Choice
        ?? throw new ArgumentException("none of the set's candidates was judged", nameof(set));

    internal static GuardSetSummary Summarize(IReadOnlyList<GuardChoice> set, IReadOnlyList<GuardAblationTask> tasks)
    {
        var kept = tasks.Select(t => Keep(t.HeldOut, set)).ToArray();
        var nll = tasks.Select((t, i) => t.ValidationNll[kept[i]]).ToArray();
        return new GuardSetSummary(set, tasks.Select((t, i) => nll[i] / t.UniformNll).Average(), nll.Average(),
            tasks.Where((t, i) => nll[i] < t.BaseNll && nll[i] < t.UniformNll).Count(), tasks.Where((t, i) => nll[i] < t.BaseNll).Count(), tasks.Count, kept);
    }

    private static GuardAblationTask One(LlamaModel model, Customizer customizer, CustomizeBenchmarkSettings settings, string task,
        IReadOnlyList<QaItem> examples, IReadOnlyList<QaItem> validation, CancellationToken cancellation)
    {
        using var context = model.CreateContext(new LlamaContextOptions { ContextLength = settings.ScoringContextLength, Threads = 1 });
        var budget = QaModelScorer.BudgetFor(settings.ContextLength);
        double Score()
        {
            var nll = QaModelScorer.Evaluate(context, task, validation, cancellation, budget).MeanNll;
            context.ApplyAdapters(AdapterSet.None);
            return nll;
        }
        var baseNll = Score();
        customizer.Apply(BlendAlpha.Uniform(customizer.Pool.Count), context);
        var uniformNll = Score();
        var verdict = customizer.Customize(examples.AsExamples(), context).Guard!;
        context.ApplyAdapters(AdapterSet.None);
        if (verdict.Skipped) throw new InvalidOperationException($"{task}: the guard was skipped ({verdict.Reason})");
        var embedded = customizer.Embed(examples.AsExamples());
        var alpha = customizer.Coefficients(embedded).Alpha;
        var validationNll = new Dictionary<GuardChoice, double>();
        foreach (var choice in Candidates)
        {
            if (choice.Scale == 0) { validationNll[choice] = baseNll; continue; }
            if (choice.Scale != 1) throw new NotSupportedException($"the guard ablation scores candidates at scale 0 or 1, not {choice.Describe()}");
            customizer.Apply(customizer.CandidateAlpha(choice, alpha, embedded), context);
            validationNll[choice] = Score();
        }
        return new GuardAblationTask(task, verdict.Candidates, validationNll, baseNll, uniformNll, verdict.ForwardPasses, verdict.Blends, verdict.Time);
    }

    public static string Markdown(CustomizeBenchmarkSettings settings, IReadOnlyList<GuardAblationTask> tasks, IReadOnlyList<GuardSetSummary> summary, MachineInfo machine, int validationItems)
    {
        var md = new StringBuilder();
        md.AppendLine("# Guard candidates: ablation on validation items (never test)").AppendLine();
        md.AppendLine(I($"Machine: {machine.Cpu}, {machine.Cores} cores, {machine.Date:yyyy-MM-dd}. K = {settings.Ks.Max()}, rank {settings.MainRank}, N = {settings.Adapters}, up to {validationItems} validation items per task, {tasks.Count} tasks. ")
                      + "Each set's guard keeps its candidate with the lowest mean NLL on the user's held-out examples; that candidate, refit on all K examples, is scored on the validation items.").AppendLine();
        md.AppendLine("| candidates | NLL ÷ uniform | mean NLL | below base | below base and uniform | kept |");
        md.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var s in summary)
            md.AppendLine(I($"| {s.Name} | {s.RelativeNll:F4} | {s.MeanNll:F3} | {s.BelowBase}/{s.Tasks} | {s.Wins}/{s.Tasks} | {string.Join(", ", s.Kept.GroupBy(c => c.Name).Select(g => $"{g.Key} ×{g.Count()}"))} |"));
        md.AppendLine().AppendLine("Per task: held-out NLL (what the guard judges; 8 examples) / validation NLL of the candidate refit on all K examples.").AppendLine();
        md.AppendLine("| task | base | uniform | " + string.Join(" | ", Candidates.Select(c => c.Name)) + " | guard forward passes | blends | guard ms |");
        md.AppendLine("|---|---:|---:|" + string.Concat(Candidates.Select(_ => "---:|")) + "---:|---:|---:|");
        foreach (var t in tasks)
            md.AppendLine(I($"| {t.Task} | {t.BaseNll:F2} | {t.UniformNll:F2} | ") + string.Join(" | ", Candidates.Select(c =>
                I($"{t.HeldOut.Single(h => h.Choice == c).MeanNll:F2} / {t.ValidationNll[c]:F2}"))) + I($" | {t.ForwardPasses} | {t.Blends} | {t.GuardTime.TotalMilliseconds:F0} |"));
        return md.ToString();
    }

    public static void WriteJson(string path, CustomizeBenchmarkSettings settings, IReadOnlyList<GuardAblationTask> tasks, IReadOnlyList<GuardSetSummary> summary, MachineInfo machine)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("benchmark", "customize guard ablation (validation items)");
            machine.WriteJson(w);
            w.WriteNumber("k", settings.Ks.Max());
            w.WriteNumber("rank", settings.MainRank);
            w.WriteNumber("adapters", settings.Adapters);
            w.WriteNumber("seed", settings.Seed);
            w.WriteStartArray("sets");
            foreach (var s in summary)
            {
                w.WriteStartObject();
                w.WriteString("candidates", s.Name);
                w.WriteNumber("relative_nll", s.RelativeNll);
                w.WriteNumber("mean_nll", s.MeanNll);
                w.WriteNumber("below_base", s.BelowBase);
                w.WriteNumber("below_base_and_uniform", s.Wins);
                w.WriteNumber("tasks", s.Tasks);
                w.WriteStartArray("kept");
                foreach (var c in s.Kept) w.WriteStringValue(c.Name);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("tasks");
            foreach (var t in tasks)
            {
                w.WriteStartObject();
                w.WriteString("task", t.Task);
                w.WriteNumber("base_nll", t.BaseNll);
                w.WriteNumber("uniform_nll", t.UniformNll);
                w.WriteNumber("guard_forward_passes", t.ForwardPasses);
                w.WriteNumber("guard_blends", t.Blends);
                w.WriteNumber("guard_ms", t.GuardTime.TotalMilliseconds);
                w.WriteStartObject("candidates");
                foreach (var c in Candidates)
                {
                    w.WriteStartObject(c.Name);
                    w.WriteNumber("held_out_nll", t.HeldOut.Single(h => h.Choice == c).MeanNll);
                    w.WriteNumber("validation_nll", t.ValidationNll[c]);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        Formats.AtomicFile.WriteText(path, Encoding.UTF8.GetString(stream.ToArray()));
    }

    private static string I(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
