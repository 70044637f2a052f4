namespace Crayon.Llama;

/// <summary>
/// How likely the model found one token at one position: the natural-log probability under the raw
/// logits (before temperature, top-k or any other sampling filter), and the most likely tokens there.
/// </summary>
/// <param name="Top">The most likely tokens at this position, most likely first (ties: lower id first).</param>
public sealed record TokenLogProbability(int Token, double LogProbability, IReadOnlyList<TokenAlternative> Top);

/// <summary>One candidate token at a position and its log-probability.</summary>
public readonly record struct TokenAlternative(int Token, double LogProbability);

/// <summary>The tokens of a text and how likely each was given the ones before it.</summary>
/// <param name="Tokens">The tokens, BOS included when the model adds one.</param>
/// <param name="LogProbabilities">One entry per token; null for the first, which has nothing before it.</param>
public sealed record ScoredTokens(int[] Tokens, IReadOnlyList<TokenLogProbability?> LogProbabilities);
