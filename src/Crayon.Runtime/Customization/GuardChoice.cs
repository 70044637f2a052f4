using System.Globalization;

namespace Crayon.Customization;

/// <summary>What kind of customization a guard candidate is; <see cref="GuardChoice"/> owns what each kind means.</summary>
public enum GuardCandidateKind
{
    /// <summary>The blend of alpha at a scale in [0, 1]; 0 is no adapter (the context's set cleared).</summary>
    Scaled,

    /// <summary>alpha smoothed toward the uniform weights: λ·alpha + (1 − λ)/N, λ in (0, 1), at full scale.</summary>
    TowardUniform,

    /// <summary>alpha recomputed at a higher temperature (tau × factor, factor above 1), at full scale.</summary>
    Tempered,

    /// <summary>
    /// alpha smoothed toward the pool's prior (each adapter's share of the examples the pool was built from,
    /// <see cref="Crayon.Pool.AdapterPoolArtifact.Prior"/>): λ·alpha + (1 − λ)·prior, λ in (0, 1), at full scale.
    /// </summary>
    TowardPrior,
}

/// <summary>
/// One candidate the guard may keep, always the user's own customization (alpha from their examples), softened one way:
/// scaled down, smoothed toward uniform or toward the pool's prior, or at a higher temperature. Where a peaked alpha over-commits to one adapter the
/// softer ones can do better on the held-out examples; which ones the guard tries is <see cref="GuardOptions.Candidates"/>.
/// </summary>
/// <param name="Value">The scale (<see cref="GuardCandidateKind.Scaled"/>), λ (<see cref="GuardCandidateKind.TowardUniform"/>, <see cref="GuardCandidateKind.TowardPrior"/>) or the temperature factor (<see cref="GuardCandidateKind.Tempered"/>).</param>
public sealed record GuardChoice(GuardCandidateKind Kind, double Value)
{
    public static GuardChoice NoAdapter { get; } = Scaled(0);
    public static GuardChoice Blend { get; } = Scaled(1);

    public static GuardChoice Scaled(double scale) => new(GuardCandidateKind.Scaled, scale);
    public static GuardChoice TowardUniform(double lambda) => new(GuardCandidateKind.TowardUniform, lambda);
    public static GuardChoice Tempered(double factor) => new(GuardCandidateKind.Tempered, factor);
    public static GuardChoice TowardPrior(double lambda) => new(GuardCandidateKind.TowardPrior, lambda);

    /// <summary>The scale the candidate's blend goes live at (0: no adapter).</summary>
    public double Scale => Kind switch
    {
        GuardCandidateKind.Scaled => Value,
        GuardCandidateKind.TowardUniform or GuardCandidateKind.Tempered or GuardCandidateKind.TowardPrior => 1,
        _ => throw Unknown(),
    };

    /// <summary>
    /// The candidate's alpha: <paramref name="alpha"/> itself when scaled, smoothed toward uniform or toward
    /// <paramref name="prior"/>, or <paramref name="refit"/> at tau × factor (the options' temperature multiplied;
    /// everything else of <paramref name="options"/> kept).
    /// </summary>
    /// <param name="prior">The pool's prior over its adapters (<see cref="Crayon.Pool.AdapterPoolArtifact.Prior"/>), one weight per adapter.</param>
    /// <exception cref="InvalidOperationException">a kind this type does not know.</exception>
    public double[] AlphaFrom(double[] alpha, AlphaOptions options, IReadOnlyList<double> prior, Func<AlphaOptions, double[]> refit)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(refit);
        return Kind switch
        {
            GuardCandidateKind.Scaled => alpha,
            GuardCandidateKind.TowardUniform => Smooth(alpha, _ => 1, options.TopK),
            GuardCandidateKind.TowardPrior => Smooth(alpha, CheckedPrior(prior, alpha.Length), options.TopK),
            GuardCandidateKind.Tempered => refit(options with { Temperature = options.Temperature * Value }),
            _ => throw Unknown(),
        };
    }

    /// <summary>In words, for a verdict: "no adapter", "the blend", "the blend ×0.5", "alpha 0.5 toward uniform", "alpha 0.5 toward the pool's prior", "alpha at tau ×4".</summary>
    public string Describe() => Kind switch
    {
        GuardCandidateKind.Scaled => Value == 0 ? "no adapter" : Value == 1 ? "the blend" : $"the blend ×{G(Value)}",
        GuardCandidateKind.TowardUniform => $"alpha {G(1 - Value)} toward uniform",
        GuardCandidateKind.TowardPrior => $"alpha {G(1 - Value)} toward the pool's prior",
        GuardCandidateKind.Tempered => $"alpha at tau ×{G(Value)}",
        _ => throw Unknown(),
    };

    /// <summary>A short name for tables and JSON: none, blend, scale-0.5, uniform-0.5, prior-0.5, tau-x4.</summary>
    public string Name => Kind switch
    {
        GuardCandidateKind.Scaled => Value == 0 ? "none" : Value == 1 ? "blend" : $"scale-{G(Value)}",
        GuardCandidateKind.TowardUniform => $"uniform-{G(1 - Value)}",
        GuardCandidateKind.TowardPrior => $"prior-{G(1 - Value)}",
        GuardCandidateKind.Tempered => $"tau-x{G(Value)}",
        _ => throw Unknown(),
    };

    public override string ToString() => Describe();

    internal void Validate()
    {
        var ok = Kind switch
        {
            GuardCandidateKind.Scaled => Value >= 0 && Value <= 1,
            GuardCandidateKind.TowardUniform or GuardCandidateKind.TowardPrior => Value > 0 && Value < 1,
            GuardCandidateKind.Tempered => double.IsFinite(Value) && Value > 1,
            _ => throw Unknown(),
        };
        if (!ok)
            throw new ArgumentOutOfRangeException(nameof(Value), Value, Kind switch
            {
                GuardCandidateKind.Scaled => "a guard scale must be in [0, 1]",
                GuardCandidateKind.TowardUniform => "a guard candidate's λ toward uniform must be in (0, 1) (λ·alpha + (1 − λ)·uniform)",
                GuardCandidateKind.TowardPrior => "a guard candidate's λ toward the pool's prior must be in (0, 1) (λ·alpha + (1 − λ)·prior)",
                GuardCandidateKind.Tempered => "a guard candidate's temperature factor must be finite and above 1",
                _ => throw Unknown(),
            });
    }

    /// <summary>
    /// λ·alpha + (1 − λ)·target, the target (equal weights, or the prior) over the adapters alpha may use: all of them, or
    /// with a top-k alpha only its k, renormalized there (the rest stay 0), so the candidate blends (and, for concat,
    /// stacks) the same adapters as the blend and lands in the same slot in place. (Without top-k a softmax weight may
    /// underflow to 0 and still gets its share of the target.)
    /// </summary>
    private double[] Smooth(double[] alpha, Func<int, double> target, int? topK)
    {
        var used = topK is { } k && k < alpha.Length ? Crayon.Blending.TopK.Largest(alpha, k) : Enumerable.Range(0, alpha.Length).ToArray();
        var mass = used.Sum(target);
        if (!(mass > 0) || !double.IsFinite(mass))
            throw new ArgumentException($"the prior's weights over the {used.Length} adapters alpha uses sum to {G(mass)}; it cannot be smoothed toward");
        var smoothed = new double[alpha.Length];
        foreach (var i in used) smoothed[i] = Value * alpha[i] + (1 - Value) * target(i) / mass;
        return smoothed;
    }

    private static Func<int, double> CheckedPrior(IReadOnlyList<double> prior, int count)
    {
        if (prior.Count != count) throw new ArgumentException($"the prior has {prior.Count} weights; alpha has {count}", nameof(prior));
        for (var i = 0; i < count; i++)
            if (!double.IsFinite(prior[i]) || prior[i] < 0)
                throw new ArgumentException($"prior[{i}] is {G(prior[i])}; a prior's weights must be finite and not negative", nameof(prior));
        return i => prior[i];
    }

    private InvalidOperationException Unknown() =>
        new($"unknown guard candidate kind {(int)Kind} ({Kind}); the kinds are {string.Join(", ", Enum.GetNames<GuardCandidateKind>())}");

    private static string G(double value) => value.ToString("g", CultureInfo.InvariantCulture);
}
