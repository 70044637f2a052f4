using System.Text;
using System.Text.Json;
using Crayon.Server.Http;

namespace Crayon.Server.Completions;

/// <summary>
/// POST /v1/chat/completions, validated: "messages" (role system, developer, user or assistant;
/// content a string or a list of text parts), the generation options, "logprobs" (true/false) with
/// "top_logprobs" (0..20), and "max_tokens" or its newer name "max_completion_tokens".
/// </summary>
public sealed record ChatRequest(IReadOnlyList<ChatMessage> Messages, GenerationRequest Generation)
{
    public const int MaxMessages = 256;
    public const int DefaultMaxTokens = 256;

    private static readonly string[] Roles = ["system", "developer", "user", "assistant"];

    public static ChatRequest Parse(JsonElement body, string modelId, int contextLength, int maxRequestTokens)
    {
        var f = new JsonFields(body);
        RequestFields.RefuseUnknown(f, body, RequestFields.Chat);
        ModelField.Check(f, modelId);
        if (f.Find("response_format") is { } format && !(format.ValueKind == JsonValueKind.Object && format.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "text" && format.EnumerateObject().Count() == 1))
            throw ApiException.Unsupported("response_format", "this server does not constrain output to JSON or a schema (only {\"type\": \"text\"} is accepted)");
        var messages = f.RequiredArray("messages", MaxMessages).Select((m, i) => Message(m, $"messages[{i}]")).ToArray();
        GenerationRequest.RefuseUnsupported(f);
        var maxField = f.Find("max_completion_tokens") is not null ? "max_completion_tokens" : "max_tokens";
        var wantLogProbs = f.OptionalBool("logprobs") ?? false;
        var top = (int?)f.OptionalInteger("top_logprobs", 0, GenerationRequest.MaxTopLogProbabilities);
        if (top is not null && !wantLogProbs) throw ApiException.BadField("top_logprobs", "needs \"logprobs\": true");
        var generation = new GenerationRequest(
            GenerationRequest.ParseMaxTokens(f, maxField, contextLength, DefaultMaxTokens),
            GenerationRequest.ParseSampling(f),
            GenerationRequest.ParseStop(f),
            f.OptionalBool("stream") ?? false,
            wantLogProbs ? top ?? 0 : null).WithExtras(f);
        generation.CheckBudget(1, maxField, maxRequestTokens);
        return new ChatRequest(messages, generation);
    }

    private static ChatMessage Message(JsonElement value, string path)
    {
        var f = new JsonFields(value, path);
        RequestFields.RefuseUnknown(f, value, RequestFields.Message);
        var role = f.RequiredString("role", 32);
        if (!Roles.Contains(role)) throw ApiException.BadField(f.Name("role"), $"must be one of {string.Join(", ", Roles)}, got \"{role}\"");
        if (f.Find("content") is not { } content) throw ApiException.BadField(f.Name("content"), "is required");
        return new ChatMessage(role, content.ValueKind switch
        {
            JsonValueKind.String => content.GetString()!,
            JsonValueKind.Array => TextParts(content, f.Name("content")),
            _ => throw ApiException.BadField(f.Name("content"), $"must be a string or a list of text parts, got {JsonFields.Describe(content)}"),
        });
    }

    private static string TextParts(JsonElement parts, string path)
    {
        var text = new StringBuilder();
        var i = 0;
        foreach (var part in parts.EnumerateArray())
        {
            var f = new JsonFields(part, $"{path}[{i}]");
            var type = f.RequiredString("type", 32);
            if (type != "text") throw ApiException.BadField(f.Name("type"), $"must be \"text\" (this model reads text only), got \"{type}\"");
            text.Append(f.RequiredString("text"));
            i++;
        }
        return text.ToString();
    }
}
