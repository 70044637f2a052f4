namespace Crayon.Llama;

/// <summary>Size and threads of one llama.cpp context (its KV cache and compute buffers).</summary>
public sealed record LlamaContextOptions
{
    /// <summary>Tokens the context holds (prompt plus generated). 0: the model's training length, capped at 4096.</summary>
    public int ContextLength { get; init; } = 2048;

    /// <summary>Most tokens handed to one llama_decode call (longer prompts go in several).</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>CPU threads for decoding; 0: one per processor.</summary>
    public int Threads { get; init; }

    internal int ResolveThreads() => Threads > 0 ? Threads : Environment.ProcessorCount;
}
