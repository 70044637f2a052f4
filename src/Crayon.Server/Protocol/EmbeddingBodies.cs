namespace Crayon.Server.Protocol;

/// <summary>POST /v1/embeddings answer.</summary>
public sealed record EmbeddingListBody(string Object, IReadOnlyList<EmbeddingBody> Data, string Model, EmbeddingUsageBody Usage);

/// <summary>One embedding: a float array, or (encoding_format "base64") a string of little-endian float32 bytes.</summary>
public sealed record EmbeddingBody(string Object, int Index, object Embedding);

public sealed record EmbeddingUsageBody(int PromptTokens, int TotalTokens);
