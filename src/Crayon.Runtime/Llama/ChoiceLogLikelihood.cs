namespace Crayon.Llama;

/// <summary>
/// What the llama host measured for one choice: log P(continuation | prompt) summed over the
/// continuation's tokens, with the token and character counts needed to length-normalise it.
/// </summary>
/// <param name="LogProb">Sum of the continuation tokens' log-probabilities (natural log, ≤ 0).</param>
/// <param name="Tokens">Tokens in the continuation (≥ 1).</param>
/// <param name="Characters">Characters in the continuation text (≥ 1).</param>
public readonly record struct ChoiceLogLikelihood(double LogProb, int Tokens, int Characters);

/// <summary>Which score picks the predicted choice.</summary>
public enum ScoreNormalization
{
    /// <summary>The summed log-probability: the likelihood of the whole continuation (lm-eval's "acc").</summary>
    Sum,

    /// <summary>Mean log-probability per token: removes the bias against long answers in tokens.</summary>
    PerToken,

    /// <summary>Log-probability per character (lm-eval's "acc_norm" uses bytes): independent of the tokenizer.</summary>
    PerCharacter,
}
