namespace Crayon.Customization;

/// <summary>One candidate the guard judged (<see cref="GuardChoice"/>) and its mean NLL on the held-out examples.</summary>
public sealed record GuardCandidate(GuardChoice Choice, double MeanNll)
{
    /// <summary>The scale its blend goes live at (0: no adapter).</summary>
    public double Scale => Choice.Scale;
}

/// <summary>
/// What the guard kept and why: the candidate now live (no adapter, the blend at a scale, or a softened alpha), the
/// candidates' mean NLL on the examples held out of alpha, and what judging them cost.
/// </summary>
/// <param name="Kept">The candidate now live; the full blend when the guard was skipped.</param>
/// <param name="Candidates">Each candidate's mean NLL (nats per example) on the held-out examples; empty when skipped.</param>
/// <param name="FitExamples">Examples alpha was computed from while judging.</param>
/// <param name="HeldOutExamples">Examples judged on (those that fit the context).</param>
/// <param name="ForwardPasses">Held-out examples × candidates scored.</param>
/// <param name="Time">Alpha of the fit examples, its blends, the candidates' scoring; part of <see cref="CustomizationTimings.Guard"/>.</param>
/// <param name="Reason">Why this candidate, in words.</param>
/// <param name="Blends">Blends (each swapped in place or loaded) the judging made: one per distinct candidate alpha.</param>
public sealed record GuardVerdict(GuardChoice Kept, IReadOnlyList<GuardCandidate> Candidates, int FitExamples, int HeldOutExamples,
    int ForwardPasses, TimeSpan Time, string Reason, int Blends = 0)
{
    /// <summary>The scale the kept candidate's blend is live at (0: the base model, the context's set cleared); 1 when skipped.</summary>
    public double KeptScale => Kept.Scale;

    /// <summary>True when the guard judged nothing (switched off, one example, or no held-out example fit the context).</summary>
    public bool Skipped => Candidates.Count == 0;

    public bool KeptBaseModel => KeptScale == 0;

    internal static GuardVerdict Skip(string reason) => new(GuardChoice.Blend, [], 0, 0, 0, TimeSpan.Zero, reason);

    /// <summary>One line for a terminal: what was kept and the candidates.</summary>
    public override string ToString() => Skipped
        ? $"guard skipped: {Reason}"
        : $"guard kept {Kept.Describe()} ({Reason}); held-out NLL " +
          string.Join(", ", Candidates.Select(c => $"{c.Choice.Describe()} {c.MeanNll:F3}")) +
          $"; {ForwardPasses} forward passes, {Blends} blend{(Blends == 1 ? "" : "s")}, {Time.TotalMilliseconds:F1} ms";

    public static string Describe(double scale) => GuardChoice.Scaled(scale).Describe();
}
