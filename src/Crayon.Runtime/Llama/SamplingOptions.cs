namespace Crayon.Llama;

/// <summary>
/// How the next token is chosen: greedy (the most likely), or sampled after top-k, top-p and min-p
/// filtering at a temperature, from a seeded generator (the same seed gives the same text).
/// </summary>
public sealed record SamplingOptions
{
    public static SamplingOptions Greedy { get; } = new() { IsGreedy = true };

    public bool IsGreedy { get; init; }
    public float Temperature { get; init; } = 0.8f;

    /// <summary>Keep the k most likely tokens; 0 disables.</summary>
    public int TopK { get; init; } = 40;

    /// <summary>Keep the smallest set whose probability reaches p; 1 disables.</summary>
    public float TopP { get; init; } = 0.95f;

    /// <summary>Drop tokens less likely than min-p times the most likely; 0 disables.</summary>
    public float MinP { get; init; } = 0.05f;

    /// <summary>Seed of the sampler; null: a random one.</summary>
    public uint? Seed { get; init; }

    internal void Validate()
    {
        if (IsGreedy) return;
        if (!float.IsFinite(Temperature) || Temperature < 0) throw new ArgumentException($"temperature must be >= 0, got {Temperature}");
        if (TopK < 0) throw new ArgumentException($"top-k must be >= 0, got {TopK}");
        if (!(TopP is > 0 and <= 1)) throw new ArgumentException($"top-p must be in (0, 1], got {TopP}");
        if (!(MinP is >= 0 and < 1)) throw new ArgumentException($"min-p must be in [0, 1), got {MinP}");
    }
}
