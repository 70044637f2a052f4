namespace Crayon.Hybrid.Endpoint;

/// <summary>A server's free-text answer.</summary>
/// <param name="FinishReason">"stop", "length", or what the server said.</param>
/// <param name="TokenLogProbabilities">Per generated token, when the server reported them (else empty).</param>
public sealed record ServerCompletion(string Text, string FinishReason, IReadOnlyList<double> TokenLogProbabilities);
