using Crayon.Blending;
using Crayon.Formats.Gguf;

namespace Crayon.Benchmarking;

/// <summary>What `crayon bench swap` measures: the pool (N adapters of rank r on the target modules), the blend and the image type.</summary>
public sealed record SwapBenchmarkSettings
{
    public int Adapters { get; init; } = 8;
    public int Rank { get; init; } = 16;
    public IReadOnlyList<string> Targets { get; init; } = SwapBenchmark.DefaultTargets;
    public int Repetitions { get; init; } = 10;
    public BlendMode Mode { get; init; } = BlendMode.Linear;
    public int TopK { get; init; } = 4;
    public BlendBackend BlendBackend { get; init; } = BlendBackend.Auto;
    public PoolStorage Storage { get; init; } = PoolStorage.Float16;

    /// <summary>Storage of the factors in the GGUF image handed to llama.cpp.</summary>
    public GgmlType ImageType { get; init; } = GgmlType.F16;

    public int Seed { get; init; } = 1;

    /// <summary>The pipelined in-place swap: most bytes per chunk (one upload each); 0 = the native default (1 MiB).</summary>
    public long ChunkBytes { get; init; }

    internal void Validate()
    {
        if (Adapters < 1) throw new ArgumentException($"--adapters must be at least 1, got {Adapters}");
        if (Rank < 1) throw new ArgumentException($"--rank must be at least 1, got {Rank}");
        if (Repetitions < 1) throw new ArgumentException($"--repetitions must be at least 1, got {Repetitions}");
        if (Targets.Count == 0) throw new ArgumentException("--targets names no module");
        if (ChunkBytes < 0) throw new ArgumentException($"--chunk-kib must be 0 (the default) or more, got {ChunkBytes / 1024}");
        if (Mode == BlendMode.Concat && (TopK < 1 || TopK > Adapters)) throw new ArgumentException($"--top-k must be in 1..{Adapters}, got {TopK}");
    }
}
