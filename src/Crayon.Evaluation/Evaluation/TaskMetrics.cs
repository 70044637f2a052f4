namespace Crayon.Evaluation;

/// <summary>
/// One method's result on one task's test items. Standard errors are of the mean (sample standard
/// deviation / √n) and null below two items.
/// </summary>
public sealed record TaskMetrics(
    string Task, int Count,
    double MeanNll, double? NllStandardError, double MeanNllPerToken,
    double Accuracy, double? AccuracyStandardError);

/// <summary>Accumulates <see cref="ItemScore"/>s (Welford's running mean and variance) into <see cref="TaskMetrics"/>.</summary>
public sealed class MetricAccumulator(string task)
{
    private RunningMoments _nll, _nllPerToken, _credit;

    /// <summary>The task the scores belong to.</summary>
    public string Task { get; } = task ?? throw new ArgumentNullException(nameof(task));

    /// <summary>Items added so far.</summary>
    public int Count => _nll.Count;

    /// <summary>Adds one item's verdict.</summary>
    public void Add(ItemScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        _nll.Add(score.GoldNll);
        _nllPerToken.Add(score.GoldNllPerToken);
        _credit.Add(score.Credit);
    }

    /// <exception cref="InvalidOperationException">nothing was added.</exception>
    public TaskMetrics Summarize()
    {
        if (Count == 0) throw new InvalidOperationException($"no items were scored for task {Task}");
        return new TaskMetrics(Task, Count, _nll.Mean, _nll.StandardError, _nllPerToken.Mean, _credit.Mean, _credit.StandardError);
    }

    /// <summary>Scores and summarises in one go.</summary>
    public static TaskMetrics Summarize(string task, IEnumerable<ItemScore> scores)
    {
        var accumulator = new MetricAccumulator(task);
        foreach (var s in scores) accumulator.Add(s);
        return accumulator.Summarize();
    }

    private struct RunningMoments
    {
        private double _m2;
        public int Count { get; private set; }
        public double Mean { get; private set; }

        public void Add(double x)
        {
            Count++;
            var delta = x - Mean;
            Mean += delta / Count;
            _m2 += delta * (x - Mean);
        }

        public readonly double? StandardError => Count < 2 ? null : Math.Sqrt(_m2 / (Count - 1) / Count);
    }
}
