namespace Crayon.Customization;

/// <summary>One candidate the guard judged: the blend at <paramref name="Scale"/> (0: no adapter) and its mean NLL on the held-out examples.</summary>
public sealed record GuardCandidate(double Scale, double MeanNll);

/// <summary>
/// What the guard kept and why: the scale the blend went live at (0: the base model, the context's set cleared), the
/// candidates' mean NLL on the examples held out of alpha, and what judging them cost.
/// </summary>
/// <param name="KeptScale">The blend's scale now live; 1 when the guard was skipped.</param>
/// <param name="Candidates">Each candidate's mean NLL (nats per example) on the held-out examples; empty when skipped.</param>
/// <param name="FitExamples">Examples alpha was computed from while judging.</param>
/// <param name="HeldOutExamples">Examples judged on (those that fit the context).</param>
/// <param name="ForwardPasses">Held-out examples × candidates scored.</param>
/// <param name="Time">Alpha of the fit examples, its blend, the candidates' scoring; part of <see cref="CustomizationTimings.Guard"/>.</param>
/// <param name="Reason">Why this candidate, in words.</param>
public sealed record GuardVerdict(double KeptScale, IReadOnlyList<GuardCandidate> Candidates, int FitExamples, int HeldOutExamples,
    int ForwardPasses, TimeSpan Time, string Reason)
{
    /// <summary>True when the guard judged nothing (switched off, one example, or no held-out example fit the context).</summary>
    public bool Skipped => Candidates.Count == 0;

    public bool KeptBaseModel => KeptScale == 0;

    internal static GuardVerdict Skip(string reason) => new(1, [], 0, 0, 0, TimeSpan.Zero, reason);

    /// <summary>One line for a terminal: what was kept and the candidates.</summary>
    public override string ToString() => Skipped
        ? $"guard skipped: {Reason}"
        : $"guard kept {Describe(KeptScale)} ({Reason}); held-out NLL " +
          string.Join(", ", Candidates.Select(c => $"{Describe(c.Scale)} {c.MeanNll:F3}")) +
          $"; {ForwardPasses} forward passes, {Time.TotalMilliseconds:F1} ms";

    public static string Describe(double scale) => scale == 0 ? "no adapter" : scale == 1 ? "the blend" : $"the blend ×{scale:g}";
}
