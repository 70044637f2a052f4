namespace Crayon.Evaluation;

/// <summary>
/// Scores a multiple-choice item from the host's per-choice log-likelihoods, always by index (the
/// data repeats choice strings). See <see cref="ItemScore"/> for the tie rule.
/// </summary>
public static class MultipleChoiceScorer
{
    private const double PositiveTolerance = 1e-6; // float rounding in the host can push log(1) a hair above 0

    /// <exception cref="ArgumentException">fewer than 2 choices, a non-finite or positive log-likelihood, or an empty continuation.</exception>
    /// <exception cref="ArgumentOutOfRangeException">the gold index is outside the choices.</exception>
    public static ItemScore Score(int gold, IReadOnlyList<ChoiceLogLikelihood> choices, ScoreNormalization normalization = ScoreNormalization.Sum)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Count < 2) throw new ArgumentException($"a multiple-choice item needs at least 2 choices, got {choices.Count}", nameof(choices));
        if (gold < 0 || gold >= choices.Count) throw new ArgumentOutOfRangeException(nameof(gold), gold, $"gold index outside the {choices.Count} choices");
        var scores = new double[choices.Count];
        for (var i = 0; i < choices.Count; i++)
        {
            var c = choices[i];
            if (!double.IsFinite(c.LogProb)) throw new ArgumentException($"choice {i} log-likelihood is {c.LogProb}; it must be finite", nameof(choices));
            if (c.LogProb > PositiveTolerance) throw new ArgumentException($"choice {i} log-likelihood is {c.LogProb}; a log-probability cannot be positive", nameof(choices));
            if (c.Tokens < 1) throw new ArgumentException($"choice {i} has {c.Tokens} continuation tokens; at least 1 is needed", nameof(choices));
            if (c.Characters < 1) throw new ArgumentException($"choice {i} has {c.Characters} continuation characters; at least 1 is needed", nameof(choices));
            scores[i] = normalization switch
            {
                ScoreNormalization.Sum => c.LogProb,
                ScoreNormalization.PerToken => c.LogProb / c.Tokens,
                ScoreNormalization.PerCharacter => c.LogProb / c.Characters,
                _ => throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "unknown normalization"),
            };
        }
        var best = scores.Max();
        var predicted = Array.IndexOf(scores, best);
        var tied = scores.Count(s => s == best);
        var credit = scores[gold] == best ? 1.0 / tied : 0.0;
        var goldNll = -Math.Min(choices[gold].LogProb, 0.0);
        return new ItemScore(gold, predicted, tied, credit, goldNll, goldNll / choices[gold].Tokens, scores);
    }
}
