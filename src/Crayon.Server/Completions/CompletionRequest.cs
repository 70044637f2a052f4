using System.Text.Json;
using Crayon.Server.Http;

namespace Crayon.Server.Completions;

/// <summary>
/// POST /v1/completions, validated: one or more prompts (strings; token-id prompts are refused),
/// generation options, "logprobs" (0..20 alternatives) and "echo". Several prompts are answered one
/// after another on one context, each as its own choice; streaming takes a single prompt.
/// </summary>
public sealed record CompletionRequest(IReadOnlyList<string> Prompts, GenerationRequest Generation, bool Echo)
{
    public const int MaxPrompts = 64;
    public const int DefaultMaxTokens = 16; // OpenAI's default for this endpoint

    public static CompletionRequest Parse(JsonElement body, string modelId, int contextLength, int maxRequestTokens)
    {
        var f = new JsonFields(body);
        RequestFields.RefuseUnknown(f, body, RequestFields.Completion);
        ModelField.Check(f, modelId);
        if (f.Find("prompt") is not { } promptValue) throw ApiException.BadField("prompt", "is required");
        if (promptValue.ValueKind == JsonValueKind.Array && promptValue.EnumerateArray().Any(e => e.ValueKind is JsonValueKind.Number or JsonValueKind.Array))
            throw ApiException.BadField("prompt", "holds token ids; this server takes prompts as text only");
        var prompts = f.StringOrStrings("prompt", MaxPrompts);
        if (prompts.Count == 0) throw ApiException.BadField("prompt", "must hold at least one prompt");
        if (f.Find("suffix") is not null) throw ApiException.BadField("suffix", "is not supported by this server (no fill-in-the-middle)");
        GenerationRequest.RefuseUnsupported(f);

        var stream = f.OptionalBool("stream") ?? false;
        var echo = f.OptionalBool("echo") ?? false;
        if (stream && prompts.Count > 1) throw ApiException.BadField("stream", "takes one prompt; send several prompts without streaming");
        if (stream && echo) throw ApiException.BadField("echo", "cannot be combined with stream");
        var generation = new GenerationRequest(
            GenerationRequest.ParseMaxTokens(f, "max_tokens", contextLength, DefaultMaxTokens),
            GenerationRequest.ParseSampling(f),
            GenerationRequest.ParseStop(f),
            stream,
            (int?)f.OptionalInteger("logprobs", 0, GenerationRequest.MaxTopLogProbabilities)).WithExtras(f);
        generation.CheckBudget(prompts.Count, "max_tokens", maxRequestTokens);
        return new CompletionRequest(prompts, generation, echo);
    }
}
