namespace Crayon.Llama;

/// <summary>One generation request.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens to generate.</summary>
    public int MaxTokens { get; init; } = 128;

    public SamplingOptions Sampling { get; init; } = SamplingOptions.Greedy;

    /// <summary>Put BOS before the prompt when the model's tokenizer asks for it.</summary>
    public bool AddSpecialTokens { get; init; } = true;
}

/// <summary>One generated token and the text it completes (empty while a character is unfinished).</summary>
public readonly record struct GeneratedToken(int Id, string Text);

/// <summary>Why generation stopped.</summary>
public enum FinishReason { EndOfGeneration, MaxTokens, ContextFull }
