namespace Crayon.Customization;

/// <summary>
/// The guard that keeps a customization from hurting: before the blend goes live it is judged against no adapter at all
/// and against softer candidates (by default alpha halfway to the pool's prior), on user examples that alpha was not
/// computed from, and the best candidate is kept.
/// </summary>
public sealed record GuardOptions
{
    /// <summary>Off: every customization goes live at full scale, unjudged (no guard forward passes).</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>
    /// The candidates, judged in this order (a tie goes to the one listed first: list the ones that change the base model
    /// least first). Default no adapter, the full blend, and alpha halfway to the pool's prior (½·alpha + ½·prior, the
    /// prior being each adapter's share of the pool's training examples, <see cref="Crayon.Pool.AdapterPoolArtifact.Prior"/>;
    /// uniform for a pool without cluster sizes). Chosen on validation items of the quick benchmark
    /// (benchmarks/results/customize-ablation-guard-quick-*.md): with it the kept candidate is below both base and uniform
    /// on 12 of 12 tasks and the mean NLL ÷ uniform is 0.8440, against 11 of 12 and 0.8468 with alpha halfway to uniform
    /// (the previous default) and 9 of 12 and 0.8477 with the blend alone; adding alpha three quarters of the way to the
    /// prior lowered the ratio by only 0.0005 for a third more forward passes (32 instead of 24), and adding halfway to uniform changed
    /// nothing. Alpha at tau ×4 and the reduced scales 0.25 and 0.5 (customize-quick-guard-*.md) are not defaults either.
    /// Each candidate with its own alpha costs one more blend and in-place swap, and every candidate held-out forward passes.
    /// </summary>
    public IReadOnlyList<GuardChoice> Candidates { get; init; } = [GuardChoice.NoAdapter, GuardChoice.Blend, GuardChoice.TowardPrior(0.5)];

    /// <summary>Shorthand for candidates that are all the blend at a scale (0: no adapter); reads the scaled ones of <see cref="Candidates"/>.</summary>
    public IReadOnlyList<double> Scales
    {
        get => Candidates?.Where(c => c.Kind == GuardCandidateKind.Scaled).Select(c => c.Value).ToArray() ?? [];
        init => Candidates = value?.Select(GuardChoice.Scaled).ToArray()!;
    }

    /// <summary>The share of the examples held out of alpha to judge the candidates on (at least one; see <see cref="MaxHeldOut"/>).</summary>
    public double HeldOutShare { get; init; } = 0.25;

    /// <summary>At most this many held-out examples: the guard's forward passes are held-out × candidates.</summary>
    public int MaxHeldOut { get; init; } = 8;

    public static GuardOptions Off { get; } = new() { Enabled = false };

    internal void Validate()
    {
        if (Candidates is null || Candidates.Count == 0) throw new ArgumentException("the guard needs at least one candidate (Guard.Candidates)");
        foreach (var candidate in Candidates)
            (candidate ?? throw new ArgumentException("a guard candidate is null (Guard.Candidates)")).Validate();
        if (Candidates.Distinct().Count() != Candidates.Count) throw new ArgumentException("the guard's candidates repeat one (Guard.Candidates)");
        if (!(HeldOutShare > 0 && HeldOutShare < 1)) throw new ArgumentOutOfRangeException(nameof(HeldOutShare), HeldOutShare, "Guard.HeldOutShare must be in (0, 1)");
        if (MaxHeldOut < 1) throw new ArgumentOutOfRangeException(nameof(MaxHeldOut), MaxHeldOut, "Guard.MaxHeldOut must be at least 1");
    }
}
