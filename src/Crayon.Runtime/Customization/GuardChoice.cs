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
}

/// <summary>
/// One candidate the guard may keep, always the user's own customization (alpha from their examples), softened one way:
/// scaled down, smoothed toward uniform, or at a higher temperature. Where a peaked alpha over-commits to one adapter the
/// softer ones can do better on the held-out examples; which ones the guard tries is <see cref="GuardOptions.Candidates"/>.
/// </summary>
/// <param name="Value">The scale (<see cref="GuardCandidateKind.Scaled"/>), λ (<see cref="GuardCandidateKind.TowardUniform"/>) or the temperature factor (<see cref="GuardCandidateKind.Tempered"/>).</param>
public sealed record GuardChoice(GuardCandidateKind Kind, double Value)
{
    public static GuardChoice NoAdapter { get; } = Scaled(0);
    public static GuardChoice Blend { get; } = Scaled(1);

    public static GuardChoice Scaled(double scale) => new(GuardCandidateKind.Scaled, scale);
    public static GuardChoice TowardUniform(double lambda) => new(GuardCandidateKind.TowardUniform, lambda);
    public static GuardChoice Tempered(double factor) => new(GuardCandidateKind.Tempered, factor);

    /// <summary>The scale the candidate's blend goes live at (0: no adapter).</summary>
    public double Scale => Kind switch
    {
        GuardCandidateKind.Scaled => Value,
        GuardCandidateKind.TowardUniform or GuardCandidateKind.Tempered => 1,
        _ => throw Unknown(),
    };

    /// <summary>
    /// The candidate's alpha: <paramref name="alpha"/> itself when scaled, smoothed toward uniform, or <paramref name="refit"/>
    /// at tau × factor (the options' temperature multiplied; everything else of <paramref name="options"/> kept).
    /// </summary>
    /// <exception cref="InvalidOperationException">a kind this type does not know.</exception>
    public double[] AlphaFrom(double[] alpha, AlphaOptions options, Func<AlphaOptions, double[]> refit)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(refit);
        return Kind switch
        {
            GuardCandidateKind.Scaled => alpha,
            GuardCandidateKind.TowardUniform => TowardUniform(alpha, options.TopK),
            GuardCandidateKind.Tempered => refit(options with { Temperature = options.Temperature * Value }),
            _ => throw Unknown(),
        };
    }

    /// <summary>In words, for a verdict: "no adapter", "the blend", "the blend ×0.5", "alpha ½ toward uniform", "alpha at tau ×4".</summary>
    public string Describe() => Kind switch
    {
        GuardCandidateKind.Scaled => Value == 0 ? "no adapter" : Value == 1 ? "the blend" : $"the blend ×{G(Value)}",
        GuardCandidateKind.TowardUniform => $"alpha {G(1 - Value)} toward uniform",
        GuardCandidateKind.Tempered => $"alpha at tau ×{G(Value)}",
        _ => throw Unknown(),
    };

    /// <summary>A short name for tables and JSON: none, blend, scale-0.5, uniform-0.5, tau-x4.</summary>
    public string Name => Kind switch
    {
        GuardCandidateKind.Scaled => Value == 0 ? "none" : Value == 1 ? "blend" : $"scale-{G(Value)}",
        GuardCandidateKind.TowardUniform => $"uniform-{G(1 - Value)}",
        GuardCandidateKind.Tempered => $"tau-x{G(Value)}",
        _ => throw Unknown(),
    };

    public override string ToString() => Describe();

    internal void Validate()
    {
        var ok = Kind switch
        {
            GuardCandidateKind.Scaled => Value >= 0 && Value <= 1,
            GuardCandidateKind.TowardUniform => Value > 0 && Value < 1,
            GuardCandidateKind.Tempered => double.IsFinite(Value) && Value > 1,
            _ => throw Unknown(),
        };
        if (!ok)
            throw new ArgumentOutOfRangeException(nameof(Value), Value, Kind switch
            {
                GuardCandidateKind.Scaled => "a guard scale must be in [0, 1]",
                GuardCandidateKind.TowardUniform => "a guard candidate's λ toward uniform must be in (0, 1) (λ·alpha + (1 − λ)·uniform)",
                GuardCandidateKind.Tempered => "a guard candidate's temperature factor must be finite and above 1",
                _ => throw Unknown(),
            });
    }

    /// <summary>
    /// λ·alpha + (1 − λ)·uniform, the uniform part over the adapters alpha may use: all of them, or with a top-k alpha only
    /// its k (the rest stay 0), so the candidate blends (and, for concat, stacks) the same adapters as the blend and lands
    /// in the same slot in place. (Without top-k a softmax weight may underflow to 0 and still gets its uniform share.)
    /// </summary>
    private double[] TowardUniform(double[] alpha, int? topK)
    {
        if (topK is not { } k || k >= alpha.Length)
            return alpha.Select(a => Value * a + (1 - Value) / alpha.Length).ToArray();
        var smoothed = new double[alpha.Length];
        foreach (var i in Crayon.Blending.TopK.Largest(alpha, k)) smoothed[i] = Value * alpha[i] + (1 - Value) / k;
        return smoothed;
    }

    private InvalidOperationException Unknown() =>
        new($"unknown guard candidate kind {(int)Kind} ({Kind}); the kinds are {string.Join(", ", Enum.GetNames<GuardCandidateKind>())}");

    private static string G(double value) => value.ToString("g", CultureInfo.InvariantCulture);
}
