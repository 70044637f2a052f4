using Crayon.Pool;
using Crayon.Customization;
using System.Diagnostics;
using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Llama;

namespace Crayon.Benchmarking;

/// <summary>
/// Alpha in to adapter live in llama.cpp, phase by phase: blend on the device, read-back, the GGUF
/// image, llama.cpp's load from memory (fmemopen), setting the adapter on the context, and the first
/// decode with it (where llama.cpp re-plans its graph). Baseline: the same image written to a file
/// (flushed to disk) and loaded from there; both totals run from the blend call to the first token.
/// Fast path, the product's own: <see cref="Customizer.Apply(double[], LlamaContext)"/> on a second context, whose live slot
/// takes the blend straight into the tensors llama.cpp already holds (pipelined: each chunk uploaded while the next is read
/// back), no load, no set, no re-planning. For comparison, on a third context, the sequential variant (blend and read back
/// everything into an <see cref="InPlaceAdapter"/>'s image, then one upload).
/// A pool of random adapters of the model's shape; random alpha each repetition.
/// </summary>
public static class SwapBenchmark
{
    public static readonly string[] DefaultTargets = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"];

    public static SwapBenchmarkResult Run(LlamaModel model, SwapBenchmarkSettings settings, int threads = 0, Action<string>? progress = null)
    {
        settings.Validate();
        progress?.Invoke($"making a pool of {settings.Adapters} random rank-{settings.Rank} adapters for {model.Name}");
        var pool = RandomAdapterPools.ForModel(model, settings.Adapters, settings.Rank, settings.Targets, settings.Seed);
        using var blender = Blender.Create(new BlenderOptions { Backend = settings.BlendBackend });
        using var resident = blender.Upload(pool, settings.Storage);
        var contextOptions = new LlamaContextOptions { ContextLength = 256, BatchSize = 64, Threads = threads };
        using var context = model.CreateContext(contextOptions);
        using var inPlaceContext = model.CreateContext(contextOptions);
        using var sequentialContext = model.CreateContext(contextOptions);
        using var customizer = CustomizerFor(model, pool, settings);
        var token = new[] { model.Tokenizer.Bos >= 0 ? model.Tokenizer.Bos : 0 };
        var random = new Random(settings.Seed);
        var folder = Directory.CreateTempSubdirectory("crayon-bench-swap-");
        var memory = new PhaseRecorder();
        var file = new PhaseRecorder();
        var inPlace = new PhaseRecorder();
        var sequential = new PhaseRecorder();
        var chunks = 0;
        var uploads = new List<double>();
        var decode = new List<double>();
        var inPlaceDecode = new List<double>();
        int? topK = settings.Mode == BlendMode.Concat ? settings.TopK : null;
        using var live = InPlaceAdapter.Create(sequentialContext, resident.Blend(NormalizedAlpha(random, pool.Count), settings.Mode, topK).Adapter,
                                               settings.ImageType, "in-place blend");
        var layout = live.LayoutFor(pool, settings.Mode, topK ?? 1);
        var inPlaceMaxDifference = 0.0;
        // The customizer's first blend of this shape loads its live adapter; every swap measured below lands in place.
        customizer.Apply(CustomizerAlpha(NormalizedAlpha(random, pool.Count), settings), inPlaceContext);
        try
        {
            for (var r = -1; r < settings.Repetitions; r++) // r = -1: warm-up, not recorded
            {
                var alpha = NormalizedAlpha(random, pool.Count);

                // In memory: what Crayon does.
                var clock = Stopwatch.StartNew();
                var blended = resident.Blend(alpha, settings.Mode, topK);
                var image = Time(() => LoraAdapterGguf.ToBytes(blended.Adapter, settings.ImageType), out var imageUs);
                var adapter = Time(() => LlamaAdapter.Load(model, image, $"blend-{r}"), out var loadUs);
                Time(() => context.ApplyAdapters(AdapterSet.Single(adapter)), out var setUs);
                adapter.Dispose();
                var memoryLogits = Time(() => context.EvaluateLogits(token), out var firstUs);
                var totalUs = clock.Elapsed.TotalMicroseconds;
                for (var i = 0; i < 3; i++) decode.Add(Timed(() => context.EvaluateLogits(token)));
                if (r >= 0)
                    memory.Add(("blend", blended.Timings.BlendMicroseconds), ("read_back", blended.Timings.ReadBackMicroseconds),
                        ("blend_call", blended.Timings.HostMicroseconds), ("gguf_image", imageUs), ("llama_load", loadUs),
                        ("set", setUs), ("first_token", firstUs), ("total", totalUs));

                // Baseline: the same adapter through a file.
                var path = Path.Combine(folder.FullName, $"blend-{r}.gguf");
                clock.Restart();
                Time(() => WriteDurably(path, image), out var writeUs);
                var fromFile = Time(() => LlamaAdapter.Load(model, path), out var fileLoadUs);
                Time(() => context.ApplyAdapters(AdapterSet.Single(fromFile)), out var fileSetUs);
                fromFile.Dispose();
                var fileLogits = Time(() => context.EvaluateLogits(token), out var fileFirstUs);
                // Same image, same numbers: a swap that measured fast but applied something else would be caught here.
                if (!memoryLogits.AsSpan().SequenceEqual(fileLogits))
                    throw new InvalidOperationException($"repetition {r}: the adapter loaded from memory and the same adapter loaded from a file give different logits");
                // The file path needs the same blend and the same GGUF bytes: count them in its total too.
                var fileTotalUs = blended.Timings.HostMicroseconds + imageUs + clock.Elapsed.TotalMicroseconds;
                File.Delete(path);
                if (r >= 0)
                    file.Add(("write_file", writeUs), ("llama_load", fileLoadUs), ("set", fileSetUs), ("first_token", fileFirstUs), ("total", fileTotalUs));

                // Fast path, sequential: blend into the image llama.cpp uploads from, then one upload, nothing re-planned.
                clock.Restart();
                var written = resident.BlendInto(alpha, settings.Mode, topK, live.Image, layout);
                Time(live.Commit, out var uploadUs);
                var sequentialLogits = Time(() => sequentialContext.EvaluateLogits(token), out var sequentialFirstUs);
                var sequentialTotalUs = clock.Elapsed.TotalMicroseconds;
                if (r >= 0)
                    sequential.Add(("blend", written.BlendMicroseconds), ("read_back", written.ReadBackMicroseconds),
                        ("read_back_host", written.ReadBackHostMicroseconds), ("blend_call", written.HostMicroseconds), ("upload", uploadUs),
                        ("first_token", sequentialFirstUs), ("total", sequentialTotalUs));

                // Fast path, pipelined: each chunk uploaded as soon as it is read back, while the device reads back the next.
                clock.Restart();
                var customized = customizer.Apply(CustomizerAlpha(alpha, settings), inPlaceContext);
                if (customized.InPlace is not { } swapped)
                    throw new InvalidOperationException($"repetition {r}: the customizer did not swap in place ({customized.Swap})");
                var inPlaceLogits = Time(() => inPlaceContext.EvaluateLogits(token), out var inPlaceFirstUs);
                var inPlaceTotalUs = clock.Elapsed.TotalMicroseconds;
                for (var i = 0; i < 3; i++) inPlaceDecode.Add(Timed(() => inPlaceContext.EvaluateLogits(token)));
                // The same blend through a fresh load must give the same numbers (both F16/F32 images round alike).
                inPlaceMaxDifference = Math.Max(inPlaceMaxDifference, Math.Max(MaxDifference(inPlaceLogits, memoryLogits), MaxDifference(sequentialLogits, memoryLogits)));
                chunks = swapped.Chunks;
                if (r >= 0) uploads.Add(swapped.Uploads);
                if (r >= 0)
                    inPlace.Add(("blend", swapped.BlendMicroseconds), ("first_landed", swapped.FirstLandedMicroseconds),
                        ("read_back_done", swapped.ReadBackDoneMicroseconds), ("upload_done", swapped.UploadDoneMicroseconds),
                        ("uploading", swapped.UploadingMicroseconds), ("swap_call", swapped.TotalMicroseconds), ("first_token", inPlaceFirstUs),
                        ("total", inPlaceTotalUs));
                progress?.Invoke(r < 0 ? "warm-up done" : $"repetition {r + 1}/{settings.Repetitions}: {totalUs / 1000:F2} ms in memory, " +
                                                          $"{fileTotalUs / 1000:F2} ms through a file, {inPlaceTotalUs / 1000:F2} ms in place " +
                                                          $"({swapped.UploadDoneMicroseconds / 1000:F2} ms to live; sequential {sequentialTotalUs / 1000:F2} ms)");
            }
            context.ApplyAdapters(AdapterSet.None);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
        return new SwapBenchmarkResult(
            settings, model.Name, model.Device?.ToString() ?? "CPU", blender.Device.ToString(),
            pool.Count, pool.Targets.Count, pool.ElementsPerAdapter,
            memory.Summarize(), file.Summarize(), PhaseStats.Of(decode.Skip(3).ToList()),
            MachineInfo.Current())
        {
            InPlace = inPlace.Summarize(),
            InPlaceSequential = sequential.Summarize(),
            InPlaceChunks = chunks,
            InPlaceUploads = PhaseStats.Of(uploads),
            InPlaceSteadyDecode = PhaseStats.Of(inPlaceDecode.Skip(3).ToList()),
            InPlaceImagePinned = live.ImageIsPinned,
            InPlaceImageBytes = live.ImageBytes,
            InPlaceMaxLogitDifference = inPlaceMaxDifference,
        };
    }

    /// <summary>The customizer the in-place leg goes through: the random pool as an artifact of this model (its centroids are never read: alpha is given).</summary>
    private static Customizer CustomizerFor(LlamaModel model, AdapterPool pool, SwapBenchmarkSettings settings)
    {
        var identity = new PoolModel(model.Name, model.Architecture, "swap-benchmark");
        var centroids = Enumerable.Range(0, pool.Count).Select(i => Enumerable.Range(0, 4).Select(j => i == j % pool.Count ? 1f : 0f).ToArray()).ToArray();
        var artifact = new AdapterPoolArtifact(pool, centroids, EmbeddingSignal.Hidden, identity);
        var mode = settings.Mode switch
        {
            BlendMode.Linear => CustomizationMode.Linear,
            BlendMode.Concat => CustomizationMode.Concat,
            _ => throw new ArgumentOutOfRangeException(nameof(settings), settings.Mode, "bench swap measures linear and concat blends"),
        };
        return new Customizer(model, identity, artifact, new CustomizerOptions
        {
            Mode = mode, Storage = settings.Storage, SwapChunkBytes = settings.ChunkBytes,
            Blender = new BlenderOptions { Backend = settings.BlendBackend },
        });
    }

    /// <summary>alpha as the customizer takes it; for concat only the top k weights are kept, so it stacks k adapters as the other legs do.</summary>
    private static double[] CustomizerAlpha(float[] alpha, SwapBenchmarkSettings settings)
    {
        var result = alpha.Select(a => (double)a).ToArray();
        if (settings.Mode != BlendMode.Concat) return result;
        var kept = TopK.LargestMagnitude(alpha, settings.TopK).ToHashSet();
        for (var i = 0; i < result.Length; i++) if (!kept.Contains(i)) result[i] = 0;
        return result;
    }

    private static float[] NormalizedAlpha(Random random, int count)
    {
        var alpha = Enumerable.Range(0, count).Select(_ => (float)random.NextDouble()).ToArray();
        var sum = alpha.Sum();
        for (var i = 0; i < alpha.Length; i++) alpha[i] /= sum;
        return alpha;
    }

    private static double MaxDifference(float[] a, float[] b)
    {
        var max = 0.0;
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }

    private static void WriteDurably(string path, byte[] image)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        stream.Write(image);
        stream.Flush(flushToDisk: true);
    }

    private static T Time<T>(Func<T> action, out double microseconds)
    {
        var start = Stopwatch.GetTimestamp();
        var result = action();
        microseconds = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        return result;
    }

    private static void Time(Action action, out double microseconds) => microseconds = Timed(action);

    private static double Timed(Action action)
    {
        var start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    private static double Timed<T>(Func<T> action) => Timed(() => { action(); });

    private sealed class PhaseRecorder
    {
        private readonly Dictionary<string, List<double>> _samples = new(StringComparer.Ordinal);
        private readonly List<string> _order = [];

        public void Add(params (string Phase, double Microseconds)[] phases)
        {
            foreach (var (phase, us) in phases)
            {
                if (!_samples.TryGetValue(phase, out var list)) { _samples[phase] = list = []; _order.Add(phase); }
                list.Add(us);
            }
        }

        public IReadOnlyList<(string Phase, PhaseStats Stats)> Summarize() => _order.Select(p => (p, PhaseStats.Of(_samples[p]))).ToList();
    }
}
