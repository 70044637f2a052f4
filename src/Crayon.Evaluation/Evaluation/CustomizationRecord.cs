namespace Crayon.Evaluation;

/// <summary>
/// One row of `crayon bench customize` (issue 4): one task at one K and rank, every method's mean
/// answer NLL and accuracy on the same test items. A method that was not run is null.
/// Serialised in snake_case: task, k, rank, test_items, base_nll, …, oracle_acc, gap_closed.
/// </summary>
public sealed record CustomizationRecord
{
    /// <summary>The customized task, e.g. "siqa" or "mmlu/anatomy".</summary>
    public required string Task { get; init; }
    /// <summary>How many user examples customized the adapter.</summary>
    public required int K { get; init; }
    /// <summary>The LoRA rank of the pool's base adapters.</summary>
    public required int Rank { get; init; }

    /// <summary>Test items every method was evaluated on.</summary>
    public required int TestItems { get; init; }

    /// <summary>Mean answer NLL (nats, summed over the answer's tokens) of each method; lower is better.</summary>
    public double? BaseNll { get; init; }
    /// <inheritdoc cref="BaseNll"/>
    public double? UniformNll { get; init; }
    /// <inheritdoc cref="BaseNll"/>
    public double? BestSingleNll { get; init; }
    /// <inheritdoc cref="BaseNll"/>
    public double? SearchNll { get; init; }
    /// <inheritdoc cref="BaseNll"/>
    public double? CrayonNll { get; init; }
    /// <inheritdoc cref="BaseNll"/>
    public double? OracleNll { get; init; }

    /// <summary>Accuracy (0..1, ties credited fractionally) of each method; higher is better.</summary>
    public double? BaseAcc { get; init; }
    /// <inheritdoc cref="BaseAcc"/>
    public double? UniformAcc { get; init; }
    /// <inheritdoc cref="BaseAcc"/>
    public double? BestSingleAcc { get; init; }
    /// <inheritdoc cref="BaseAcc"/>
    public double? SearchAcc { get; init; }
    /// <inheritdoc cref="BaseAcc"/>
    public double? CrayonAcc { get; init; }
    /// <inheritdoc cref="BaseAcc"/>
    public double? OracleAcc { get; init; }

    /// <summary>
    /// Share of the base-to-oracle NLL gap that Crayon closes: (base - crayon) / (base - oracle).
    /// 1 means as good as the oracle, 0 no better than the base model, negative worse. Null when a term
    /// is missing or the oracle does not beat the base model (the share would then be meaningless).
    /// </summary>
    public double? GapClosed => BaseNll is { } b && CrayonNll is { } c && OracleNll is { } o && b > o ? (b - c) / (b - o) : null;

    /// <summary>Builds a record from each method's <see cref="TaskMetrics"/> on the task.</summary>
    /// <exception cref="ArgumentException">no results, a result for another task, or results over different numbers of items.</exception>
    public static CustomizationRecord Create(string task, int k, int rank, IReadOnlyDictionary<CustomizationMethod, TaskMetrics> results)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(task);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rank);
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException($"no method results for task {task}", nameof(results));
        foreach (var (method, metrics) in results)
        {
            if (metrics.Task != task) throw new ArgumentException($"the {method} result is for task {metrics.Task}, not {task}", nameof(results));
            if (!double.IsFinite(metrics.MeanNll) || !double.IsFinite(metrics.Accuracy))
                throw new ArgumentException($"the {method} result for {task} is not finite (NLL {metrics.MeanNll}, accuracy {metrics.Accuracy})", nameof(results));
        }
        var counts = results.Values.Select(m => m.Count).Distinct().ToArray();
        if (counts.Length != 1)
            throw new ArgumentException($"methods on {task} were evaluated on different numbers of items ({string.Join(", ", results.Select(r => $"{r.Key} {r.Value.Count}"))})", nameof(results));

        double? Nll(CustomizationMethod m) => results.TryGetValue(m, out var r) ? r.MeanNll : null;
        double? Acc(CustomizationMethod m) => results.TryGetValue(m, out var r) ? r.Accuracy : null;
        return new CustomizationRecord
        {
            Task = task, K = k, Rank = rank, TestItems = counts[0],
            BaseNll = Nll(CustomizationMethod.Base), UniformNll = Nll(CustomizationMethod.Uniform),
            BestSingleNll = Nll(CustomizationMethod.BestSingle), SearchNll = Nll(CustomizationMethod.Search),
            CrayonNll = Nll(CustomizationMethod.Crayon), OracleNll = Nll(CustomizationMethod.Oracle),
            BaseAcc = Acc(CustomizationMethod.Base), UniformAcc = Acc(CustomizationMethod.Uniform),
            BestSingleAcc = Acc(CustomizationMethod.BestSingle), SearchAcc = Acc(CustomizationMethod.Search),
            CrayonAcc = Acc(CustomizationMethod.Crayon), OracleAcc = Acc(CustomizationMethod.Oracle),
        };
    }

    /// <summary>The NLL of <paramref name="method"/>, or null when it was not run.</summary>
    public double? Nll(CustomizationMethod method) => method switch
    {
        CustomizationMethod.Base => BaseNll,
        CustomizationMethod.Uniform => UniformNll,
        CustomizationMethod.BestSingle => BestSingleNll,
        CustomizationMethod.Search => SearchNll,
        CustomizationMethod.Crayon => CrayonNll,
        CustomizationMethod.Oracle => OracleNll,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };

    /// <summary>The accuracy of <paramref name="method"/>, or null when it was not run.</summary>
    public double? Acc(CustomizationMethod method) => method switch
    {
        CustomizationMethod.Base => BaseAcc,
        CustomizationMethod.Uniform => UniformAcc,
        CustomizationMethod.BestSingle => BestSingleAcc,
        CustomizationMethod.Search => SearchAcc,
        CustomizationMethod.Crayon => CrayonAcc,
        CustomizationMethod.Oracle => OracleAcc,
        _ => throw new ArgumentOutOfRangeException(nameof(method), method, null),
    };
}
