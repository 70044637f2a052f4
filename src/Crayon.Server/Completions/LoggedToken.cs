namespace Crayon.Server.Completions;

/// <summary>One token of an answer as the log-probability lists show it.</summary>
/// <param name="Offset">Where the token's text begins in the answer's text (characters).</param>
/// <param name="LogProbability">Null for a first prompt token, which nothing predicts.</param>
public sealed record LoggedToken(string Display, byte[] Bytes, int Offset, double? LogProbability, IReadOnlyList<LoggedAlternative> Top);

public sealed record LoggedAlternative(string Display, byte[] Bytes, double LogProbability);
