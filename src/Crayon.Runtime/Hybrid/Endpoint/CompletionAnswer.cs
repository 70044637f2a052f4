using System.Text.Json;

namespace Crayon.Hybrid.Endpoint;

/// <summary>Reads the text (and any per-token log-probabilities) of a completions or chat answer.</summary>
internal static class CompletionAnswer
{
    public static ServerCompletion ParseText(JsonElement root)
    {
        var choice = JsonAnswer.Choices(root, 1)[0];
        var text = JsonAnswer.String(choice, "text", "answer.choices[0]");
        var logprobs = choice.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.Object && lp.TryGetProperty("token_logprobs", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select((v, i) => JsonAnswer.NullableNumber(v, $"answer.choices[0].logprobs.token_logprobs[{i}]") ?? 0).ToArray()
            : [];
        return new ServerCompletion(text, FinishReason(choice), logprobs);
    }

    public static ServerCompletion ParseChat(JsonElement root)
    {
        var choice = JsonAnswer.Choices(root, 1)[0];
        var message = JsonAnswer.Property(choice, "message", "answer.choices[0]");
        var content = JsonAnswer.Property(message, "content", "answer.choices[0].message");
        if (content.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            throw new GarbageAnswerException("answer.choices[0].message.content is not a string");
        var logprobs = choice.TryGetProperty("logprobs", out var lp) && lp.ValueKind == JsonValueKind.Object && lp.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Select((v, i) => JsonAnswer.NullableNumber(JsonAnswer.Property(v, "logprob", $"answer.choices[0].logprobs.content[{i}]"), $"answer.choices[0].logprobs.content[{i}].logprob") ?? 0).ToArray()
            : [];
        return new ServerCompletion(content.GetString() ?? "", FinishReason(choice), logprobs);
    }

    private static string FinishReason(JsonElement choice) =>
        choice.TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "unknown";
}
