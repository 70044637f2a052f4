namespace Crayon.Llama;

/// <summary>How an engine sizes its context pool.</summary>
public sealed record LlamaEngineOptions
{
    /// <summary>Contexts (parallel requests); each has its own KV cache. Further requests wait.</summary>
    public int MaxContexts { get; init; } = 1;

    public LlamaContextOptions Context { get; init; } = new();
}
