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
    /// Scores the held-out examples with the fit blend at each scale (<paramref name="setScale"/> makes one live) and keeps
    /// the lowest mean NLL; a tie goes to the smaller scale, the one that changes the base model less.
    /// </summary>
    public static GuardVerdict Judge(LlamaContext context, IReadOnlyList<Example> heldOut, IReadOnlyList<double> scales, Action<double> setScale,
        int fitCount, Stopwatch clock)
    {
        var nlls = new double?[scales.Count][];
        var passes = 0;
        for (var s = 0; s < scales.Count; s++)
        {
            setScale(scales[s]);
            nlls[s] = heldOut.Select(e => ExampleNll.Of(context, e)).ToArray();
            passes += heldOut.Count;
        }
        // An example too long for the context is too long at every scale: the same ones are left out of every mean.
        var fits = Enumerable.Range(0, heldOut.Count).Where(i => nlls[0][i] is not null).ToArray();
        if (fits.Length == 0)
            return GuardVerdict.Skip($"none of the {heldOut.Count} held-out examples fits the context of {context.ContextLength} tokens") with { ForwardPasses = passes, Time = clock.Elapsed };
        var candidates = scales.Select((scale, s) => new GuardCandidate(scale, fits.Average(i => nlls[s][i]!.Value))).ToArray();
        var best = candidates.OrderBy(c => c.MeanNll).ThenBy(c => c.Scale).First();
        return new GuardVerdict(best.Scale, candidates, fitCount, fits.Length, passes, clock.Elapsed, Why(best, candidates));
    }

    private static string Why(GuardCandidate best, IReadOnlyList<GuardCandidate> candidates)
    {
        var baseModel = candidates.FirstOrDefault(c => c.Scale == 0);
        var full = candidates.FirstOrDefault(c => c.Scale == 1);
        if (best.Scale == 0)
            return "every scale of the blend raised the held-out NLL above the base model's";
        var versus = baseModel is null ? "" : $", {baseModel.MeanNll - best.MeanNll:F3} nats below no adapter";
        if (best.Scale == 1 || full is null) return $"lowest held-out NLL{versus}";
        return $"lowest held-out NLL{versus}; the full blend is {full.MeanNll - best.MeanNll:F3} nats worse";
    }
}
