using System.Diagnostics;
using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tasks;

namespace Crayon.Customization;

/// <summary>
/// Instant customization (the paper's section 2) on one device: a user's examples in, a customized adapter
/// live in llama.cpp out, with no training. q_c = the mean embedding of the examples (same signal as the pool),
/// alpha = softmax(cos(q_c, centroid) / tau) over the top k, the pool blended by alpha on the blend device
/// (the pool is uploaded once, at construction), the result loaded from memory and set on a context or engine.
/// One customization at a time per instance.
/// </summary>
/// <example><code>
/// using var customizer = new Customizer(model, PoolModelIdentity.Of(modelPath), AdapterPoolFile.Read(poolPath));
/// using var engine = new LlamaEngine(model);
/// using var result = customizer.Customize(examples, engine);   // result.Alpha, result.Timings
/// </code></example>
public sealed class Customizer : IDisposable
{
    private readonly CustomizerOptions _options;
    private readonly Blender? _blender;
    private readonly ResidentPool? _resident;
    private readonly LlamaAdapter[]? _mixAdapters;
    private readonly Lazy<ExampleEmbedder> _embedder;
    private readonly Lock _gate = new();

    /// <param name="modelIdentity">The identity of <paramref name="model"/>'s file (<see cref="PoolModelIdentity.Of"/>); the pool must have been built for it.</param>
    /// <exception cref="PoolMismatchException">the pool was built for another model, or its signal is not the one <paramref name="options"/> asks for.</exception>
    public Customizer(LlamaModel model, PoolModel modelIdentity, AdapterPoolArtifact pool, CustomizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelIdentity);
        ArgumentNullException.ThrowIfNull(pool);
        _options = options ?? new CustomizerOptions();
        pool.EnsureBuiltFor(modelIdentity);
        if (_options.Signal is { } wanted && wanted != pool.Signal)
            throw new PoolMismatchException($"the pool's centroids are {ExampleEmbeddings.Name(pool.Signal)} embeddings, not the requested {ExampleEmbeddings.Name(wanted)} signal; " +
                                            $"use --signal {ExampleEmbeddings.Name(pool.Signal)} or a pool built with --signal {ExampleEmbeddings.Name(wanted)}");
        _options.Alpha.Validate(pool.Count);
        if (!Enum.IsDefined(_options.Mode)) throw new ArgumentOutOfRangeException(nameof(options), _options.Mode, "unknown customization mode");
        Model = model;
        Pool = pool;
        _embedder = new Lazy<ExampleEmbedder>(() => new ExampleEmbedder(model, pool.Signal, _options.EmbeddingThreads));
        if (_options.Mode == CustomizationMode.RuntimeMix)
        {
            _mixAdapters = new LlamaAdapter[pool.Count];
            try
            {
                for (var i = 0; i < pool.Count; i++)
                    _mixAdapters[i] = LlamaAdapter.Load(model, LoraAdapterGguf.ToBytes(pool.Adapters.Adapters[i]), pool.AdapterNames[i]);
            }
            catch
            {
                foreach (var adapter in _mixAdapters) adapter?.Dispose();
                throw;
            }
        }
        else
        {
            _blender = Blender.Create(_options.Blender);
            try { _resident = _blender.Upload(pool.Adapters, _options.Storage); }
            catch { _blender.Dispose(); throw; }
        }
    }

    public LlamaModel Model { get; }
    public AdapterPoolArtifact Pool { get; }
    public CustomizerOptions Options => _options;

    /// <summary>The device blends run on; null for runtime mix.</summary>
    public BlendDevice? BlendDevice => _blender?.Device;

    /// <summary>Embeds one item with the pool's signal (e.g. a query to route).</summary>
    public float[] Embed(QaItem item)
    {
        lock (_gate) return _embedder.Value.Embed(item);
    }

    /// <summary>Customizes from the user's examples and sets the result on <paramref name="context"/>.</summary>
    public CustomizationResult Customize(IReadOnlyList<QaItem> examples, LlamaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Customize(examples, context.ApplyAdapters);
    }

    /// <summary>Customizes from the user's examples and makes the result current on <paramref name="engine"/>.</summary>
    public CustomizationResult Customize(IReadOnlyList<QaItem> examples, LlamaEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        return Customize(examples, engine.SetAdapters);
    }

    /// <summary>Customizes from the user's examples; <paramref name="apply"/> sets the adapter set where it is needed (timed as part of the swap).</summary>
    /// <exception cref="ArgumentException">no examples.</exception>
    public CustomizationResult Customize(IReadOnlyList<QaItem> examples, Action<AdapterSet> apply)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("customization needs at least one example", nameof(examples));
        var clock = Stopwatch.StartNew();
        float[][] embedded;
        lock (_gate) embedded = _embedder.Value.EmbedAll(examples);
        return FromExamples(embedded, clock.Elapsed, apply);
    }

    /// <summary>Customizes from examples embedded beforehand (e.g. `crayon embed --examples`), after checking they live in the pool's space.</summary>
    /// <exception cref="PoolMismatchException">embeddings of another model, signal or dimension.</exception>
    public CustomizationResult Customize(ExampleEmbeddings embeddings, Action<AdapterSet> apply, string source = "the examples")
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var clock = Stopwatch.StartNew();
        embeddings.EnsureMatches(Pool, source);
        return FromExamples(embeddings.Vectors, clock.Elapsed, apply);
    }

    /// <summary>Customizes from the examples' embeddings (made with <see cref="Embed"/>, e.g. by a caller that also routes with them).</summary>
    public CustomizationResult FromExampleEmbeddings(IReadOnlyList<float[]> embeddings, Action<AdapterSet> apply) => FromExamples(embeddings, TimeSpan.Zero, apply);

    /// <summary>alpha for these example embeddings under this customizer's options, without blending.</summary>
    public BlendCoefficients Coefficients(IReadOnlyList<float[]> embeddings, AlphaOptions? alpha = null, ExampleAggregation? aggregation = null) =>
        TaskAlpha.From(embeddings, Pool.Centroids, e => Pool.ToCentroidSpace(e), alpha ?? _options.Alpha, aggregation ?? _options.Aggregation);

    /// <summary>Blends with a given alpha (uniform, one-hot, searched) and sets the result: the baselines' path.</summary>
    public CustomizationResult Apply(double[] alpha, Action<AdapterSet> apply)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        if (alpha.Length != Pool.Count) throw new ArgumentException($"alpha has {alpha.Length} weights; the pool has {Pool.Count} adapters", nameof(alpha));
        return Finish([], [], alpha, TimeSpan.Zero, TimeSpan.Zero, apply);
    }

    private CustomizationResult FromExamples(IReadOnlyList<float[]> embeddings, TimeSpan embedTime, Action<AdapterSet> apply)
    {
        var clock = Stopwatch.StartNew();
        var taskEmbedding = MeanEmbedding.Of(embeddings);
        embedTime += clock.Elapsed;
        clock.Restart();
        var coefficients = Coefficients(embeddings);
        return Finish(taskEmbedding, coefficients.Similarities, coefficients.Alpha, embedTime, clock.Elapsed, apply);
    }

    private CustomizationResult Finish(float[] taskEmbedding, double[] similarities, double[] alpha, TimeSpan embedTime, TimeSpan alphaTime, Action<AdapterSet> apply)
    {
        ArgumentNullException.ThrowIfNull(apply);
        var used = Enumerable.Range(0, alpha.Length).Where(i => alpha[i] != 0).OrderByDescending(i => Math.Abs(alpha[i])).ThenBy(i => i).ToArray();
        if (used.Length == 0) throw new ArgumentException("alpha is all zeros: no adapter would be blended", nameof(alpha));
        lock (_gate)
        {
            if (_mixAdapters is not null)
            {
                var swap = Stopwatch.StartNew();
                var set = AdapterSet.Mix(used.Select(i => (_mixAdapters[i], (float)alpha[i])).ToArray());
                apply(set);
                return new CustomizationResult(taskEmbedding, similarities, alpha, used, null, null, set,
                    new CustomizationTimings(embedTime, alphaTime, TimeSpan.Zero, swap.Elapsed), null);
            }

            var blendClock = Stopwatch.StartNew();
            var weights = alpha.Select(a => (float)a).ToArray();
            var blend = _options.Mode == CustomizationMode.Concat
                ? _resident!.Blend(weights, BlendMode.Concat, used.Length)
                : _resident!.Blend(weights, BlendMode.Linear);
            var blendTime = blendClock.Elapsed;

            var swapClock = Stopwatch.StartNew();
            var live = LlamaAdapter.Load(Model, LoraAdapterGguf.ToBytes(blend.Adapter), "crayon customization");
            try
            {
                var set = AdapterSet.Single(live);
                apply(set);
                var blended = _options.Mode == CustomizationMode.Concat ? blend.Blended : used;
                return new CustomizationResult(taskEmbedding, similarities, alpha, blended, blend.Adapter, live, set,
                    new CustomizationTimings(embedTime, alphaTime, blendTime, swapClock.Elapsed), blend.Timings);
            }
            catch
            {
                live.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        if (_embedder.IsValueCreated) _embedder.Value.Dispose();
        foreach (var adapter in _mixAdapters ?? []) adapter.Dispose();
        _blender?.Dispose();
    }
}
