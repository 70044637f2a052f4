using System.Text.Json.Serialization;

namespace Crayon.Server.Protocol;

/// <summary>POST /v1/chat/completions answer.</summary>
public sealed record ChatBody(string Id, string Object, long Created, string Model, IReadOnlyList<ChatChoiceBody> Choices, UsageBody? Usage);

public sealed record ChatChoiceBody(int Index, ChatMessageBody Message, ChatLogProbsBody? Logprobs, string? FinishReason);

/// <summary>One streamed chunk ("chat.completion.chunk").</summary>
public sealed record ChatChunkBody(string Id, string Object, long Created, string Model, IReadOnlyList<ChatChunkChoiceBody> Choices)
{
    /// <summary>Only on the last chunk, when the client asked for it with stream_options.include_usage (its choices are empty).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UsageBody? Usage { get; init; }
}

public sealed record ChatChunkChoiceBody(int Index, ChatMessageBody Delta, ChatLogProbsBody? Logprobs, string? FinishReason);

public sealed record ChatMessageBody(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Content);

public sealed record ChatLogProbsBody(IReadOnlyList<ChatTokenLogProbBody> Content);

public sealed record ChatTokenLogProbBody(string Token, double Logprob, IReadOnlyList<int> Bytes, IReadOnlyList<ChatTopLogProbBody> TopLogprobs);

public sealed record ChatTopLogProbBody(string Token, double Logprob, IReadOnlyList<int> Bytes);
