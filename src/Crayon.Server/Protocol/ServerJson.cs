using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Crayon.Server.Protocol;

/// <summary>The server's JSON: snake_case as OpenAI writes it, nulls written out, no reflection.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(CompletionBody))]
[JsonSerializable(typeof(ChatBody))]
[JsonSerializable(typeof(ChatChunkBody))]
[JsonSerializable(typeof(ModelListBody))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(PoolListBody))]
[JsonSerializable(typeof(PoolBody))]
[JsonSerializable(typeof(EmbeddingListBody))]
[JsonSerializable(typeof(float[]))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(LoraAdapterBody[]))]
[JsonSerializable(typeof(LoraApplyBody))]
[JsonSerializable(typeof(CustomizationBody))]
public sealed partial class ServerJson : JsonSerializerContext
{
    // Quotes and apostrophes in messages stay readable (the default encoder writes \u0027); the
    // answers are JSON for API clients, never inlined into HTML.
    private static readonly ServerJson Relaxed = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static byte[] Utf8<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, (JsonTypeInfo<T>)Relaxed.GetTypeInfo(typeof(T))!);
}
