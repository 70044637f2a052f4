using System.Text.Json;
using Crayon.Llama;
using Crayon.Server.Adapters;
using Crayon.Server.Http;

namespace Crayon.Server.Completions;

/// <summary>
/// What both completion endpoints take besides the prompt: length, sampling, stop sequences, streaming
/// and log-probabilities. OpenAI's defaults apply (temperature 1, top_p 1); top_k and min_p are
/// llama.cpp extensions, off unless given. Temperature 0 (or top_p 0) is greedy decoding. Options this
/// server cannot honour (n > 1, penalties, logit_bias) are refused by name rather than ignored.
/// <see cref="Lora"/> is llama-server's per-request adapter list (null: the server's global scales);
/// <see cref="IncludeUsage"/> is stream_options.include_usage.
/// </summary>
public sealed record GenerationRequest(int MaxTokens, SamplingOptions Sampling, IReadOnlyList<string> Stop, bool Stream, int? LogProbabilities)
{
    public bool IncludeUsage { get; init; }

    /// <summary>The prompt holds a chat template's special-token markers as text (read them as tokens).</summary>
    public bool ParseSpecialTokens { get; init; }

    public IReadOnlyList<LoraScale>? Lora { get; init; }

    /// <summary>Crayon's per-request customization ("crayon": {pool, alpha} or {customization}); null: none.</summary>
    public Crayon.Server.Customizations.CustomizationField? Crayon { get; init; }

    /// <summary>Reads the fields both endpoints share beyond the core ones: stream_options and lora.</summary>
    public GenerationRequest WithExtras(JsonFields f) => this with
    {
         IncludeUsage = ParseIncludeUsage(f, Stream),
        Lora = f.Find("lora") is { } lora ? LoraScale.ParseList(lora, "lora") : null,
        Crayon = f.Find(Customizations.CustomizationField.Name) is { } crayon ? Customizations.CustomizationField.Parse(crayon) : null,
    };

    private static bool ParseIncludeUsage(JsonFields f, bool stream)
    {
        if (f.Find("stream_options") is not { } value) return false;
        if (!stream) throw ApiException.BadField("stream_options", "applies only with \"stream\": true");
        var options = new JsonFields(value, "stream_options");
        foreach (var property in value.EnumerateObject())
            if (property.Name != "include_usage" && property.Value.ValueKind != JsonValueKind.Null)
                throw ApiException.Unsupported(options.Name(property.Name), "stream_options holds \"include_usage\" only here");
        return options.OptionalBool("include_usage") ?? false;
    }

    /// <summary>The per-request token budget: every prompt may generate max_tokens, so the request may cost prompts × max_tokens.</summary>
    public void CheckBudget(int prompts, string field, int budget)
    {
        if ((long)prompts * MaxTokens > budget)
            throw ApiException.BadField(field, $"is {MaxTokens} for {prompts} prompt(s), {(long)prompts * MaxTokens} tokens in all, over the server's per-request budget of {budget} tokens (--max-request-tokens); send fewer prompts or fewer tokens", "request_token_budget_exceeded");
    }

    public const int MaxStopSequences = 4, MaxStopLength = 256, MaxTopLogProbabilities = 20;

    public GenerationOptions ToOptions() => new() { MaxTokens = MaxTokens, Sampling = Sampling, LogProbabilities = LogProbabilities, ParseSpecialTokens = ParseSpecialTokens };

    public static SamplingOptions ParseSampling(JsonFields f)
    {
        var temperature = f.OptionalNumber("temperature", 0, 2) ?? 1.0;
        var topP = f.OptionalNumber("top_p", 0, 1) ?? 1.0;
        var topK = (int)(f.OptionalInteger("top_k", 0, 1_000_000) ?? 0);
        var minP = f.OptionalNumber("min_p", 0, 0.999) ?? 0.0;
        // 0xFFFFFFFF is llama.cpp's "pick a random seed", so it cannot be asked for.
        var seed = (uint?)f.OptionalInteger("seed", 0, uint.MaxValue - 1);
        if (temperature == 0 || topP == 0) return SamplingOptions.Greedy;
        return new SamplingOptions { Temperature = (float)temperature, TopP = (float)topP, TopK = topK, MinP = (float)minP, Seed = seed };
    }

    public static IReadOnlyList<string> ParseStop(JsonFields f)
    {
        var stop = f.StringOrStrings("stop", MaxStopSequences, MaxStopLength);
        for (var i = 0; i < stop.Count; i++)
            if (stop[i].Length == 0) throw ApiException.BadField(stop.Count == 1 ? "stop" : $"stop[{i}]", "must not be an empty string");
        return stop;
    }

    /// <summary>Refuses what this server does not do, naming the field.</summary>
    public static void RefuseUnsupported(JsonFields f)
    {
        foreach (var field in new[] { "n", "best_of" })
            if (f.OptionalInteger(field, 1, 128) is > 1) throw ApiException.BadField(field, "must be 1: this server returns one choice per prompt");
        foreach (var penalty in new[] { "presence_penalty", "frequency_penalty" })
            if (f.OptionalNumber(penalty, -2, 2) is { } p && p != 0) throw ApiException.BadField(penalty, "is not supported by this server; leave it out or send 0");
        if (f.Find("logit_bias") is { ValueKind: System.Text.Json.JsonValueKind.Object } bias && bias.EnumerateObject().Any())
            throw ApiException.BadField("logit_bias", "is not supported by this server");
    }

    /// <summary>max_tokens must leave room for the prompt: at most the context length.</summary>
    public static int ParseMaxTokens(JsonFields f, string field, int contextLength, int defaultValue) =>
        (int)(f.OptionalInteger(field, 0, contextLength) ?? Math.Min(defaultValue, contextLength));
}
