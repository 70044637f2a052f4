namespace Crayon.Server.Protocol;

/// <summary>POST /v1/completions answer (and, with object "text_completion", each streamed chunk).</summary>
public sealed record CompletionBody(string Id, string Object, long Created, string Model, IReadOnlyList<CompletionChoiceBody> Choices, UsageBody? Usage);

public sealed record CompletionChoiceBody(string Text, int Index, CompletionLogProbsBody? Logprobs, string? FinishReason);

/// <summary>The legacy completions log-probability layout: parallel lists, one entry per token.</summary>
public sealed record CompletionLogProbsBody(
    IReadOnlyList<string> Tokens, IReadOnlyList<double?> TokenLogprobs,
    IReadOnlyList<Dictionary<string, double>?> TopLogprobs, IReadOnlyList<int> TextOffset);

public sealed record UsageBody(int PromptTokens, int CompletionTokens, int TotalTokens);
