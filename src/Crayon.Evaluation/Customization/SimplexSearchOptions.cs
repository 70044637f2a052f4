namespace Crayon.Customization;

/// <summary>Settings for <see cref="SimplexSearch.Minimize"/>.</summary>
public sealed record SimplexSearchOptions
{
    /// <summary>Seeds the search's samples; with a deterministic objective the same seed gives the same result.</summary>
    public long Seed { get; init; }

    /// <summary>The evaluation budget, the start point included. Each evaluation is one blend plus K forward passes in the harness.</summary>
    public int MaxEvaluations { get; init; } = 100;

    /// <summary>Initial step size sigma in softmax-logit space (1.0 moves a weight by about a factor e).</summary>
    public double InitialStep { get; init; } = 1.0;

    /// <summary>The starting alpha (non-negative, normalised here); null starts from the uniform blend.</summary>
    public double[]? Start { get; init; }

    /// <summary>Samples per generation (lambda); null uses CMA-ES's default 4 + floor(3 ln n).</summary>
    public int? PopulationSize { get; init; }

    internal void Validate(int dimensions)
    {
        if (MaxEvaluations < 1) throw new ArgumentOutOfRangeException(nameof(MaxEvaluations), MaxEvaluations, "the search needs at least one evaluation");
        if (!double.IsFinite(InitialStep) || InitialStep <= 0) throw new ArgumentOutOfRangeException(nameof(InitialStep), InitialStep, "must be positive and finite");
        if (PopulationSize is < 2) throw new ArgumentOutOfRangeException(nameof(PopulationSize), PopulationSize, "a generation needs at least 2 samples");
        if (Start is null) return;
        if (Start.Length != dimensions) throw new ArgumentException($"the start alpha has {Start.Length} weights, the search has {dimensions} dimensions", nameof(Start));
        for (var i = 0; i < Start.Length; i++)
            if (!double.IsFinite(Start[i]) || Start[i] < 0) throw new ArgumentException($"start alpha weight {i} is {Start[i]}; weights must be finite and non-negative", nameof(Start));
        if (Start.Sum() <= 0) throw new ArgumentException("the start alpha is all zeros", nameof(Start));
    }
}

/// <summary>What a simplex search found and what it cost.</summary>
/// <param name="BestAlpha">The best weights seen (non-negative, summing to 1).</param>
/// <param name="BestValue">The objective at <paramref name="BestAlpha"/>.</param>
/// <param name="StartValue">The objective at the start point (the first evaluation).</param>
/// <param name="Evaluations">Calls of the objective; never more than the budget.</param>
/// <param name="NonFiniteEvaluations">Calls that returned NaN or infinity (ranked as worst).</param>
/// <param name="Generations">Completed CMA-ES generations.</param>
/// <param name="ObjectiveTime">Time spent inside the objective (the forward passes).</param>
/// <param name="Elapsed">Wall time of the whole search.</param>
/// <param name="BestSoFar">After each evaluation, the best value seen so far (monotone non-increasing).</param>
public sealed record SimplexSearchResult(
    double[] BestAlpha, double BestValue, double StartValue, int Evaluations, int NonFiniteEvaluations,
    int Generations, TimeSpan ObjectiveTime, TimeSpan Elapsed, IReadOnlyList<double> BestSoFar);
