using Crayon.Interop.Llama;

namespace Crayon.Llama;

public sealed partial class LlamaContext
{
    /// <summary>Mean first-layer query vector and mean last hidden state over <paramref name="tokens"/>.</summary>
    internal unsafe (float[] Query, float[] Hidden) EmbedTokens(int[] tokens)
    {
        var capture = _queryCapture ?? throw new InvalidOperationException("this context was not created for embeddings; use LlamaEmbedder");
        if (tokens.Length == 0) throw new ArgumentException("cannot embed an empty text (the model adds no BOS token)");
        if (tokens.Length > ContextLength) throw new PromptTooLongException(tokens.Length, ContextLength, "text to embed");
        using var _ = Enter();
        ClearMemory();
        var width = Model.EmbeddingSize;
        var hiddenSum = new double[width];
        capture.Begin();
        float[]? query;
        try
        {
            DecodeTokens(tokens, _ => true, (start, length) =>
            {
                for (var i = 0; i < length; i++)
                {
                    var row = LlamaApi.llama_get_embeddings_ith(_handle, i);
                    if (row is null) throw new LlamaNativeException($"llama.cpp has no embedding for batch entry {i}");
                    for (var j = 0; j < width; j++) hiddenSum[j] += row[j];
                }
            });
        }
        finally
        {
            query = capture.End();
        }
        if (capture.Error is { } error) throw new LlamaNativeException($"capturing the query signal failed: {error}");
        if (query is null || capture.Rows != tokens.Length)
            throw new LlamaNativeException($"llama.cpp computed no 'Qcur-0' for {tokens.Length} tokens (got {capture.Rows} rows); this architecture names its first-layer query differently");
        var hidden = new float[width];
        for (var j = 0; j < width; j++) hidden[j] = (float)(hiddenSum[j] / tokens.Length);
        ClearMemory();
        return (query, hidden);
    }
}
