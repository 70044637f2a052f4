using Crayon.Llama;

namespace Crayon.Cli.Commands;

/// <summary>Parses an embedding-signal option value (query or hidden).</summary>
internal static class SignalOption
{
    public static EmbeddingSignal Parse(string text, string option) => text.ToLowerInvariant() switch
    {
        "query" => EmbeddingSignal.Query,
        "hidden" => EmbeddingSignal.Hidden,
        _ => throw new UsageException($"{option} must be query or hidden, not '{text}'"),
    };
}
