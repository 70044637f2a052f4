using Crayon.Formats.Gguf;

namespace Crayon.Models;

/// <param name="Seed">Same seed, same bytes: each tensor draws from its own generator seeded by (seed, tensor index).</param>
/// <param name="Storage">Matrix storage (F32, F16 or BF16); norm weights are always F32.</param>
/// <param name="Scale">Matrices are uniform in [-Scale·√3, Scale·√3] (standard deviation Scale); norm weights are 1.</param>
/// <param name="Name">general.name.</param>
public sealed record RandomLlamaModelOptions(ulong Seed = 0, GgmlType Storage = GgmlType.F32, float Scale = 0.02f, string Name = "random-llama");

/// <summary>
/// Writes a llama-architecture GGUF of any shape filled with seeded random weights and a synthetic
/// SentencePiece vocabulary (<see cref="LlamaVocabulary.Synthetic"/>), so that a model of, say, SmolLM-135M's
/// exact shape exists without a download. Tensors are generated in chunks while they are written, so
/// memory stays at a few buffers whatever the model's size.
/// </summary>
public static class RandomLlamaModel
{
    private const int ChunkFloats = 1 << 16;

    public static void WriteFile(string path, LlamaHyperparameters h, RandomLlamaModelOptions? options = null)
    {
        options ??= new RandomLlamaModelOptions();
        LlamaModelWriter.WriteFile(path, h, LlamaVocabulary.Synthetic(h.VocabSize), options.Name, options.Storage, Writer(h, options));
    }

    public static void Write(Stream destination, LlamaHyperparameters h, RandomLlamaModelOptions? options = null)
    {
        options ??= new RandomLlamaModelOptions();
        LlamaModelWriter.Write(destination, h, LlamaVocabulary.Synthetic(h.VocabSize), options.Name, options.Storage, Writer(h, options));
    }

    /// <summary>The values of one tensor, exactly as <see cref="Write"/> generates them (for tests and comparisons).</summary>
    public static float[] Values(LlamaHyperparameters h, string tensorName, RandomLlamaModelOptions? options = null)
    {
        options ??= new RandomLlamaModelOptions();
        var specs = LlamaTensorLayout.For(h);
        var index = specs.Select((s, i) => (s, i)).FirstOrDefault(p => p.s.Name == tensorName);
        if (index.s is null) throw new ArgumentException($"a llama model of this shape has no tensor '{tensorName}'", nameof(tensorName));
        var values = new float[index.s.ElementCount];
        var generator = new SplitMix64(Mix(options.Seed, (ulong)index.i));
        FillFrom(ref generator, values, index.s, options);
        return values;
    }

    private static LlamaModelWriter.WeightWriter Writer(LlamaHyperparameters h, RandomLlamaModelOptions options)
    {
        var indexByName = LlamaTensorLayout.For(h).Select((s, i) => (s.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        var buffer = new float[ChunkFloats];
        return (spec, info, stream) =>
        {
            var index = indexByName[spec.Name];
            var chunk = buffer.AsSpan(0, (int)Math.Min(ChunkFloats, spec.ElementCount));
            var generator = new SplitMix64(Mix(options.Seed, (ulong)index));
            for (long done = 0; done < spec.ElementCount; done += chunk.Length)
            {
                var part = chunk[..(int)Math.Min(chunk.Length, spec.ElementCount - done)];
                FillFrom(ref generator, part, spec, options);
                GgufTensor.WriteFloats(stream, part, info.Type);
            }
        };
    }

    private static void FillFrom(ref SplitMix64 generator, Span<float> values, LlamaTensorSpec spec, RandomLlamaModelOptions options)
    {
        if (spec.IsNorm)
        {
            values.Fill(1f);
            return;
        }
        var halfWidth = options.Scale * MathF.Sqrt(3f);
        for (var i = 0; i < values.Length; i++) values[i] = (2f * generator.NextFloat() - 1f) * halfWidth;
    }

    private static ulong Mix(ulong seed, ulong index) => seed * 0x9E3779B97F4A7C15UL ^ (index + 0x632BE59BD9B4E019UL);

    /// <summary>SplitMix64: tiny, fast, and the same sequence on every platform and .NET version.</summary>
    private struct SplitMix64(ulong state)
    {
        private ulong _state = state;

        public ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [0, 1) with 24 bits, the precision of a float.</summary>
        public float NextFloat() => (Next() >> 40) * (1f / (1 << 24));
    }
}
