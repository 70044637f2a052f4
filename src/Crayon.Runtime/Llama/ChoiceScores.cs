namespace Crayon.Llama;

/// <summary>
/// A model's verdict on one multiple-choice query: each choice's log-likelihood, the normalised scores, and the predicted
/// choice. Choices are always judged by index (a list may repeat a string).
/// </summary>
/// <param name="Choices">What was measured for each choice, in choice order.</param>
/// <param name="Scores">The normalised score of every choice, in choice order.</param>
/// <param name="Predicted">The highest-scoring choice; among exact ties the lowest index.</param>
/// <param name="TiedAtTop">How many choices share the top score (1 when the maximum is unique).</param>
public sealed record ChoiceScores(IReadOnlyList<ChoiceLogLikelihood> Choices, double[] Scores, int Predicted, int TiedAtTop)
{
    private const double PositiveTolerance = 1e-6; // float rounding in the host can push log(1) a hair above 0

    /// <summary>Judges measured log-likelihoods.</summary>
    /// <exception cref="ArgumentException">fewer than 2 choices, a non-finite or positive log-likelihood, or an empty continuation.</exception>
    public static ChoiceScores Of(IReadOnlyList<ChoiceLogLikelihood> choices, ScoreNormalization normalization = ScoreNormalization.Sum)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Count < 2) throw new ArgumentException($"a multiple-choice query needs at least 2 choices, got {choices.Count}", nameof(choices));
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
        return new ChoiceScores(choices.ToArray(), scores, Array.IndexOf(scores, best), scores.Count(s => s == best));
    }

    /// <summary>Scores every choice of <paramref name="prompts"/> on <paramref name="context"/>; choices that share a prompt are scored on one decoded prompt.</summary>
    public static ChoiceScores Measure(LlamaContext context, IReadOnlyList<ChoicePrompt> prompts)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(prompts);
        var likelihoods = new ChoiceLogLikelihood[prompts.Count];
        foreach (var group in prompts.Select((p, i) => (p, i)).GroupBy(x => x.p.Prompt, StringComparer.Ordinal))
        {
            var members = group.ToArray();
            var scores = context.ScoreContinuations(group.Key, members.Select(m => m.p.Continuation).ToArray());
            for (var k = 0; k < members.Length; k++)
                likelihoods[members[k].i] = new ChoiceLogLikelihood(scores[k].LogLikelihood, scores[k].Tokens.Length, members[k].p.Continuation.Length);
        }
        return Of(likelihoods);
    }
}
