namespace Crayon.Customization;

/// <summary>
/// The guard that keeps a customization from hurting: before the blend goes live it is judged, at several scales and
/// against no adapter at all, on user examples that alpha was not computed from, and the best candidate is kept.
/// </summary>
public sealed record GuardOptions
{
    /// <summary>Off: every customization goes live at full scale, unjudged (no guard forward passes).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The candidate scales of the blend; 0 is the base model (the context's adapter set cleared). Each in [0, 1]. Default
    /// no adapter or the full blend: on the quick benchmark (benchmarks/results/customize-quick-guard-*.md) the reduced
    /// scales 0.25 and 0.5 won on 3 of 12 in-pool tasks by held-out NLL and lost on test items on two of them (8 held-out
    /// examples cannot tell neighbouring scales apart), while the base-or-blend choice is what keeps a pool whose every
    /// adapter hurts from going live; two candidates also halve the guard's forward passes. Add 0.25 and 0.5 to try them.
    /// </summary>
    public IReadOnlyList<double> Scales { get; init; } = [0, 1];

    /// <summary>The share of the examples held out of alpha to judge the candidates on (at least one; see <see cref="MaxHeldOut"/>).</summary>
    public double HeldOutShare { get; init; } = 0.25;

    /// <summary>At most this many held-out examples: the guard's forward passes are held-out × scales.</summary>
    public int MaxHeldOut { get; init; } = 8;

    public static GuardOptions Off { get; } = new() { Enabled = false };

    internal void Validate()
    {
        if (Scales is null || Scales.Count == 0) throw new ArgumentException("the guard needs at least one candidate scale (Guard.Scales)");
        foreach (var scale in Scales)
            if (!(scale >= 0 && scale <= 1)) throw new ArgumentOutOfRangeException(nameof(Scales), scale, "a guard scale must be in [0, 1]");
        if (Scales.Distinct().Count() != Scales.Count) throw new ArgumentException("the guard's scales repeat a value (Guard.Scales)");
        if (!(HeldOutShare > 0 && HeldOutShare < 1)) throw new ArgumentOutOfRangeException(nameof(HeldOutShare), HeldOutShare, "Guard.HeldOutShare must be in (0, 1)");
        if (MaxHeldOut < 1) throw new ArgumentOutOfRangeException(nameof(MaxHeldOut), MaxHeldOut, "Guard.MaxHeldOut must be at least 1");
    }
}
