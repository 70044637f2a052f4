namespace Crayon.Evaluation;

/// <summary>
/// Scores a multiple-choice item from the host's per-choice log-likelihoods, always by index (the
/// data repeats choice strings). See <see cref="ItemScore"/> for the tie rule.
/// </summary>
public static class MultipleChoiceScorer
{
    /// <exception cref="ArgumentException">fewer than 2 choices, a non-finite or positive log-likelihood, or an empty continuation.</exception>
    /// <exception cref="ArgumentOutOfRangeException">the gold index is outside the choices.</exception>
    public static ItemScore Score(int gold, IReadOnlyList<ChoiceLogLikelihood> choices, ScoreNormalization normalization = ScoreNormalization.Sum)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Count >= 2 && (gold < 0 || gold >= choices.Count))
            throw new ArgumentOutOfRangeException(nameof(gold), gold, $"gold index outside the {choices.Count} choices");
        return Score(gold, ChoiceScores.Of(choices, normalization));
    }

    /// <summary>The verdict on scores a model computed (the device's or the server's), against the gold index.</summary>
    /// <exception cref="ArgumentOutOfRangeException">the gold index is outside the choices.</exception>
    public static ItemScore Score(int gold, ChoiceScores scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        var choices = scores.Choices;
        if (gold < 0 || gold >= choices.Count) throw new ArgumentOutOfRangeException(nameof(gold), gold, $"gold index outside the {choices.Count} choices");
        var best = scores.Scores[scores.Predicted];
        var credit = scores.Scores[gold] == best ? 1.0 / scores.TiedAtTop : 0.0;
        var goldNll = -Math.Min(choices[gold].LogProb, 0.0);
        return new ItemScore(gold, scores.Predicted, scores.TiedAtTop, credit, goldNll, goldNll / choices[gold].Tokens, scores.Scores);
    }
}
