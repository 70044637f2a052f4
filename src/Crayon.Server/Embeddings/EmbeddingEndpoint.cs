using Crayon.Llama;
using Crayon.Server.Hosting;
using Crayon.Server.Http;
using Crayon.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Embeddings;

/// <summary>
/// POST /v1/embeddings: each input embedded by the served model without adapters, with the runtime's
/// embedding signal (<see cref="CrayonServerOptions.EmbeddingSignal"/>: by default the first layer's
/// query vectors averaged over the tokens, the signal pools are built and matched with), the same
/// numbers <see cref="LlamaEmbedder"/> gives locally.
/// </summary>
public static class EmbeddingEndpoint
{
    public static async Task HandleAsync(HttpContext http, ServerState state)
    {
        var request = await JsonBody.ReadAsync(http, state.Options.MaxBodyBytes, body => EmbeddingRequest.Parse(body, state.Model.Id)).ConfigureAwait(false);
        var tokenized = request.Inputs.Select((text, i) =>
        {
            var tokens = state.Model.Model.Tokenizer.Tokenize(text);
            if (tokens.Length > state.Model.ContextLength)
                throw ApiException.BadField(request.Inputs.Count == 1 ? "input" : $"input[{i}]",
                    $"does not fit: it has {tokens.Length} tokens and the server embeds at most {state.Model.ContextLength}", "context_length_exceeded");
            return tokens;
        }).ToArray();
        using var ticket = state.Admit(state.Embedding);
        var signal = state.Options.EmbeddingSignal;
        await state.RunAsync(http, async cancel =>
        {
            var vectors = await state.EmbedAsync(embedder => tokenized.Select(tokens =>
            {
                cancel.ThrowIfCancellationRequested();
                var (query, hidden) = embedder.EmbedTokens(tokens);
                return signal == EmbeddingSignal.Query ? query : hidden;
            }).ToArray(), cancel).ConfigureAwait(false);
            var promptTokens = tokenized.Sum(t => t.Length);
            var data = vectors.Select((v, i) => new EmbeddingBody("embedding", i, request.Base64 ? Base64(v) : v)).ToArray();
            await Responses.JsonAsync(http, new EmbeddingListBody("list", data, state.Model.Id, new EmbeddingUsageBody(promptTokens, promptTokens))).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>OpenAI's base64 layout: the little-endian float32 bytes.</summary>
    private static string Base64(float[] vector)
    {
        var bytes = new byte[vector.Length * 4];
        for (var i = 0; i < vector.Length; i++) BitConverter.TryWriteBytes(bytes.AsSpan(i * 4), vector[i]);
        if (!BitConverter.IsLittleEndian)
            for (var i = 0; i < bytes.Length; i += 4) bytes.AsSpan(i, 4).Reverse();
        return Convert.ToBase64String(bytes);
    }
}
