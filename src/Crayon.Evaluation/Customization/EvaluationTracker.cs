using System.Diagnostics;

namespace Crayon.Customization;

/// <summary>
/// Counts, times and remembers the best of the search's objective calls, and enforces the budget.
/// Non-finite values are recorded as +infinity so they rank last instead of poisoning the ranking.
/// </summary>
internal sealed class EvaluationTracker(Func<double[], double> objective, int budget)
{
    private readonly List<double> _history = [];
    private readonly Stopwatch _objectiveClock = new();

    public int Evaluations => _history.Count;
    public int Remaining => budget - Evaluations;
    public int NonFinite { get; private set; }
    public double BestValue { get; private set; } = double.PositiveInfinity;
    public double[]? BestAlpha { get; private set; }
    public double StartValue { get; private set; } = double.NaN;
    public TimeSpan ObjectiveTime => _objectiveClock.Elapsed;
    public IReadOnlyList<double> History => _history;

    public double Evaluate(double[] logits)
    {
        if (Remaining <= 0) throw new InvalidOperationException("evaluation budget exhausted"); // a bug in the optimiser, not bad input
        var alpha = SimplexSearch.Softmax(logits);
        _objectiveClock.Start();
        double value;
        try { value = objective((double[])alpha.Clone()); }
        finally { _objectiveClock.Stop(); }
        if (Evaluations == 0) StartValue = value;
        if (!double.IsFinite(value)) { NonFinite++; value = double.PositiveInfinity; }
        if (value < BestValue || BestAlpha is null) { BestValue = value; BestAlpha = alpha; }
        _history.Add(BestValue);
        return value;
    }
}
