using System.Diagnostics;
using Crayon.Llama;

namespace Crayon.Customization;

/// <summary>
/// The guard's split and judgment. Split, not leave-one-out: leave-one-out needs one blend per held-out example (K blends
/// and swaps); a split needs one blend, so its cost is one in-place swap plus held-out × scales forward passes. The
/// held-out examples are spread evenly over the user's order (not the last ones), so a list sorted by topic still
/// lands examples of every part on both sides.
/// </summary>
internal static class CustomizationGuard
{
    /// <summary>The indices held out of alpha: about <see cref="GuardOptions.HeldOutShare"/> of <paramref name="count"/>, at least 1, at most <see cref="GuardOptions.MaxHeldOut"/>; none for fewer than two examples.</summary>
    public static int[] HeldOut(int count, GuardOptions options)
    {
        if (count < 2) return [];
        var held = Math.Clamp((int)Math.Round(count * options.HeldOutShare), 1, Math.Min(options.MaxHeldOut, count - 1));
        return Enumerable.Range(0, held).Select(j => (int)((j + 0.5) * count / held)).ToArray();
    }

    /// <summary>
    /// Scores the held-out examples under each candidate (<paramref name="makeLive"/> makes one live and says whether that
    /// took a blend) and keeps the lowest mean NLL; a tie goes to the candidate listed first.
    /// </summary>
    public static GuardVerdict Judge(LlamaContext context, IReadOnlyList<Example> heldOut, IReadOnlyList<GuardChoice> choices, Func<GuardChoice, bool> makeLive,
        int fitCount, Stopwatch clock)
    {
        var nlls = new double?[choices.Count][];
        var passes = 0;
        var blends = 0;
        for (var c = 0; c < choices.Count; c++)
        {
            if (makeLive(choices[c])) blends++;
            nlls[c] = heldOut.Select(e => ExampleNll.Of(context, e)).ToArray();
            passes += heldOut.Count;
        }
        // An example too long for the context is too long under every candidate: the same ones are left out of every mean.
        var fits = Enumerable.Range(0, heldOut.Count).Where(i => nlls[0][i] is not null).ToArray();
        if (fits.Length == 0)
            return GuardVerdict.Skip($"none of the {heldOut.Count} held-out examples fits the context of {context.ContextLength} tokens") with { ForwardPasses = passes, Blends = blends, Time = clock.Elapsed };
        var candidates = choices.Select((choice, c) => new GuardCandidate(choice, fits.Average(i => nlls[c][i]!.Value))).ToArray();
        var best = candidates.MinBy(c => c.MeanNll)!; // MinBy keeps the first of equal ones
        return new GuardVerdict(best.Choice, candidates, fitCount, fits.Length, passes, clock.Elapsed, Why(best, candidates), blends);
    }

    private static string Why(GuardCandidate best, IReadOnlyList<GuardCandidate> candidates)
    {
        var baseModel = candidates.FirstOrDefault(c => c.Choice == GuardChoice.NoAdapter);
        var full = candidates.FirstOrDefault(c => c.Choice == GuardChoice.Blend);
        if (best.Choice == GuardChoice.NoAdapter)
            return "every candidate raised the held-out NLL above the base model's";
        var versus = baseModel is null ? "" : $", {baseModel.MeanNll - best.MeanNll:F3} nats below no adapter";
        if (best.Choice == GuardChoice.Blend || full is null) return $"lowest held-out NLL{versus}";
        return $"lowest held-out NLL{versus}; the full blend is {full.MeanNll - best.MeanNll:F3} nats worse";
    }
}
