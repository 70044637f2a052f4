using Crayon.Server.Http;

namespace Crayon.Server.Completions;

/// <summary>
/// The fields each endpoint implements. Anything else is refused by name with 400 (code
/// unsupported_parameter) rather than ignored: a client asking for tools or a JSON schema must learn
/// that it gets neither, not receive plain text that looks like an answer. Null counts as absent, as
/// OpenAI clients send explicit nulls for options they leave unset.
/// </summary>
public static class RequestFields
{
    private static readonly string[] Shared =
    [
        "model", "max_tokens", "temperature", "top_p", "top_k", "min_p", "seed", "stop", "stream", "stream_options",
        "logprobs", "n", "best_of", "presence_penalty", "frequency_penalty", "logit_bias", "user", "lora", "crayon",
    ];

    public static readonly IReadOnlySet<string> Completion = new HashSet<string>(Shared.Concat(["prompt", "echo", "suffix"]), StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> Chat = new HashSet<string>(
        Shared.Where(f => f != "best_of").Concat(["messages", "max_completion_tokens", "top_logprobs", "response_format"]), StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> Embedding = new HashSet<string>(["model", "input", "encoding_format", "user"], StringComparer.Ordinal);

    public static readonly IReadOnlySet<string> Message = new HashSet<string>(["role", "content"], StringComparer.Ordinal);

    /// <summary>Why the well-known fields we lack are refused; others get a generic reason.</summary>
    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["tools"] = "this server does not call tools or functions",
        ["tool_choice"] = "this server does not call tools or functions",
        ["parallel_tool_calls"] = "this server does not call tools or functions",
        ["functions"] = "this server does not call tools or functions",
        ["function_call"] = "this server does not call tools or functions",
        ["tool_calls"] = "this server does not call tools or functions",
        ["tool_call_id"] = "this server does not call tools or functions",
        ["response_format"] = "this server does not constrain output to JSON or a schema (only {\"type\": \"text\"} is accepted)",
        ["audio"] = "this server reads and writes text only",
        ["modalities"] = "this server reads and writes text only",
        ["prediction"] = "this server has no predicted outputs",
        ["reasoning_effort"] = "the served model has no reasoning settings",
        ["web_search_options"] = "this server cannot search the web",
        ["dimensions"] = "embeddings have the model's own width; they cannot be shortened",
    };

    /// <exception cref="ApiException">400 naming the first field not in <paramref name="known"/>.</exception>
    public static void RefuseUnknown(JsonFields f, System.Text.Json.JsonElement body, IReadOnlySet<string> known)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (known.Contains(property.Name) || property.Value.ValueKind == System.Text.Json.JsonValueKind.Null) continue;
            throw ApiException.Unsupported(f.Name(property.Name), Reasons.GetValueOrDefault(property.Name, "this server does not implement it; leave it out"));
        }
    }
}
