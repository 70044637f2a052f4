using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Llama;

namespace Crayon.Benchmarking;

/// <summary>What one decode configuration applies: nothing, one pool adapter, a blend, or a runtime mix of k adapters.</summary>
public sealed record DecodeConfiguration(string Name, string Kind, int K)
{
    /// <summary>"none", "single", "linear", "concat-K" (top K stacked, rank K·r) or "mix-K" (K adapters applied at every token).</summary>
    public static DecodeConfiguration Parse(string text)
    {
        var name = text.Trim().ToLowerInvariant();
        var dash = name.IndexOf('-');
        var kind = dash < 0 ? name : name[..dash];
        var k = dash < 0 ? 1 : int.TryParse(name[(dash + 1)..], out var parsed) && parsed >= 1 ? parsed
            : throw new ArgumentException($"configuration '{text}': the part after '-' must be a count of at least 1");
        return kind switch
        {
            "none" or "single" or "linear" when dash < 0 => new DecodeConfiguration(name, kind, kind == "none" ? 0 : 1),
            "concat" or "mix" when dash >= 0 => new DecodeConfiguration(name, kind, k),
            _ => throw new ArgumentException($"configuration '{text}' is not none, single, linear, concat-K or mix-K"),
        };
    }
}

/// <summary>What `crayon bench decode` measures.</summary>
public sealed record DecodeBenchmarkSettings
{
    public IReadOnlyList<DecodeConfiguration> Configurations { get; init; } =
        new[] { "none", "single", "linear", "concat-4", "mix-4", "mix-8" }.Select(DecodeConfiguration.Parse).ToList();

    /// <summary>Pool the blends and mixes draw from (N).</summary>
    public int Adapters { get; init; } = 8;
    public int Rank { get; init; } = 16;
    public IReadOnlyList<string> Targets { get; init; } = SwapBenchmark.DefaultTargets;
    public int PromptTokens { get; init; } = 32;
    public int Tokens { get; init; } = 128;
    public int Runs { get; init; } = 3;
    public BlendBackend BlendBackend { get; init; } = BlendBackend.Auto;
    public GgmlType ImageType { get; init; } = GgmlType.F16;
    public int Seed { get; init; } = 1;

    internal void Validate()
    {
        if (Adapters < 1 || Rank < 1 || PromptTokens < 1 || Tokens < 1 || Runs < 1)
            throw new ArgumentException("--adapters, --rank, --prompt-tokens, --tokens and --runs must all be at least 1");
        foreach (var c in Configurations)
            if (c.K > Adapters) throw new ArgumentException($"configuration '{c.Name}' needs {c.K} adapters; the pool has {Adapters} (--adapters)");
    }
}

/// <summary>Steady-state decode speed of one configuration: tokens per second of each run, after a warm-up run.</summary>
public sealed record DecodeMeasurement(DecodeConfiguration Configuration, int AppliedAdapters, int AppliedRank, IReadOnlyList<double> TokensPerSecond)
{
    public double Median => PhaseStats.Of(TokensPerSecond).Median;
}

/// <summary>
/// Decode tokens/s of a model with no adapter, one plain LoRA, a linear blend, a concat of the top k, and runtime
/// mixes of k adapters (llama.cpp applies each at every token). Each configuration gets a fresh context, one warm-up
/// run (pipeline compilation, graph planning), then runs of a prompt and greedy single-token decodes; tokens/s counts
/// the single-token steps only.
/// </summary>
public static class DecodeBenchmark
{
    public static IReadOnlyList<DecodeMeasurement> Run(LlamaModel model, DecodeBenchmarkSettings settings, int threads = 0, Action<string>? progress = null)
    {
        settings.Validate();
        var pool = RandomAdapterPools.ForModel(model, settings.Adapters, settings.Rank, settings.Targets, settings.Seed);
        var alpha = Enumerable.Range(0, pool.Count).Select(i => 1f / pool.Count * (1 + (i % 3))).ToArray();
        using var blender = Blender.Create(new BlenderOptions { Backend = settings.BlendBackend });
        using var resident = blender.Upload(pool, PoolStorage.Float16);
        var prompt = Enumerable.Range(0, settings.PromptTokens).Select(i => (i * 7919 + 11) % model.VocabularySize).ToArray();
        var options = new LlamaContextOptions { ContextLength = settings.PromptTokens + settings.Tokens + 16, BatchSize = settings.PromptTokens, Threads = threads };
        var results = new List<DecodeMeasurement>();
        foreach (var configuration in settings.Configurations)
        {
            var loaded = Adapters(model, pool, resident, alpha, configuration, settings.ImageType);
            try
            {
                using var context = model.CreateContext(options);
                context.ApplyAdapters(AdapterSet.Mix(loaded.Select(a => (a.Adapter, a.Scale)).ToArray()));
                context.TimeGreedySteps(prompt, Math.Min(32, settings.Tokens)); // warm-up: pipelines, graph
                var rates = new List<double>();
                for (var run = 0; run < settings.Runs; run++)
                    rates.Add(settings.Tokens / (context.TimeGreedySteps(prompt, settings.Tokens).Sum() / 1e6));
                var rank = configuration.Kind == "concat" ? settings.Rank * configuration.K : settings.Rank;
                results.Add(new DecodeMeasurement(configuration, loaded.Count, configuration.K == 0 ? 0 : rank, rates));
                progress?.Invoke($"{configuration.Name}: {PhaseStats.Of(rates).Median:F1} tokens/s");
            }
            finally
            {
                foreach (var (adapter, _) in loaded) adapter.Dispose(); // the context held its own references
            }
        }
        return results;
    }

    private static List<(LlamaAdapter Adapter, float Scale)> Adapters(LlamaModel model, AdapterPool pool, ResidentPool resident, float[] alpha,
        DecodeConfiguration configuration, GgmlType imageType)
    {
        LlamaAdapter Load(LoraAdapter adapter, string name) => LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(adapter, imageType), name);
        return configuration.Kind switch
        {
            "none" => [],
            "single" => [(Load(pool.Adapters[0], "single"), 1f)],
            "linear" => [(Load(resident.Blend(alpha, BlendMode.Linear).Adapter, "linear blend"), 1f)],
            "concat" => [(Load(resident.Blend(alpha, BlendMode.Concat, configuration.K).Adapter, configuration.Name), 1f)],
            _ => Enumerable.Range(0, configuration.K).Select(i => (Load(pool.Adapters[i], $"mix {i}"), alpha[i])).ToList(),
        };
    }
}
