namespace Crayon.Llama;

/// <summary>One generation request.</summary>
public sealed record GenerationOptions
{
    /// <summary>Most tokens to generate.</summary>
    public int MaxTokens { get; init; } = 128;

    public SamplingOptions Sampling { get; init; } = SamplingOptions.Greedy;

    /// <summary>Put BOS before the prompt when the model's tokenizer asks for it.</summary>
    public bool AddSpecialTokens { get; init; } = true;

    /// <summary>Read special-token text in the prompt (a chat template's markers) as those tokens.</summary>
    public bool ParseSpecialTokens { get; init; }

    /// <summary>
    /// Report each generated token's log-probability with this many most likely alternatives (0: the token
    /// only); null: none. Read from the raw logits, so they equal what scoring the same tokens gives.
    /// </summary>
    public int? LogProbabilities { get; init; }
}

/// <summary>One generated token and the text it completes (empty while a character is unfinished).</summary>
public readonly record struct GeneratedToken(int Id, string Text)
{
    /// <summary>How likely the model found the token; set when <see cref="GenerationOptions.LogProbabilities"/> asks for it.</summary>
    public TokenLogProbability? LogProbability { get; init; }
}

/// <summary>Why generation stopped.</summary>
public enum FinishReason { EndOfGeneration, MaxTokens, ContextFull }
