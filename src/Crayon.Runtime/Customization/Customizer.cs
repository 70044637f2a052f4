using System.Diagnostics;
using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Llama;
using Crayon.Pool;

namespace Crayon.Customization;

/// <summary>
/// Instant customization (the paper's section 2) on one device: a user's texts in, a customized adapter live in
/// llama.cpp out, with no training. q_c and alpha come from the examples' embeddings (same signal as the pool's
/// centroids); the pool, uploaded once at construction, is blended by alpha on the blend device and lands in the
/// context's live adapter slot: the first blend of a shape loads once, every later one is written in place into the
/// tensors llama.cpp already holds (no reload, no graph re-plan). One customization at a time per instance.
/// </summary>
/// <example><code>
/// using var model = LlamaModel.Load("model.gguf");
/// using var context = model.CreateContext();
/// using var customizer = new Customizer(model, PoolModelIdentity.Of("model.gguf"), AdapterPoolFile.Read("pool.gguf"));
/// var result = customizer.Customize(["Arr, where be me gold?", "Ye scurvy dog!"], context);   // result.Swap, result.Timings
/// </code></example>
public sealed class Customizer : IDisposable
{
    private readonly CustomizerOptions _options;
    private readonly Blender? _blender; // null when the resident pool is shared (not this customizer's to dispose) or for runtime mix
    private readonly ResidentPool? _resident;
    private readonly LlamaAdapter[]? _mixAdapters;
    private readonly Lazy<ExampleEmbedder> _embedder;
    private readonly Dictionary<LlamaContext, LiveAdapterSlot> _slots = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<LlamaContext, AdapterSet> _mixed = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    /// <param name="modelIdentity">The identity of <paramref name="model"/>'s file (<see cref="PoolModelIdentity.Of"/>); the pool must have been built for it.</param>
    /// <exception cref="PoolMismatchException">the pool was built for another model, or its signal is not the one <paramref name="options"/> asks for.</exception>
    public Customizer(LlamaModel model, PoolModel modelIdentity, AdapterPoolArtifact pool, CustomizerOptions? options = null)
        : this(model, modelIdentity, pool, null, options)
    {
    }

    /// <summary>
    /// A customizer that blends <paramref name="resident"/>, a pool already resident on a blend device (e.g. the one a
    /// server's blend endpoint also uses), instead of uploading its own copy: one resident pool per (pool, device). The
    /// caller keeps owning it and disposes it after this customizer; <see cref="CustomizerOptions.Blender"/> and
    /// <see cref="CustomizerOptions.Storage"/> are the resident pool's.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="resident"/> holds other adapters than <paramref name="pool"/>'s, or the options ask for runtime mix.</exception>
    public Customizer(LlamaModel model, PoolModel modelIdentity, AdapterPoolArtifact pool, ResidentPool? resident, CustomizerOptions? options = null)
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
        if (_options.SwapChunkBytes < 0) throw new ArgumentOutOfRangeException(nameof(options), _options.SwapChunkBytes, "SwapChunkBytes must be 0 (1 MiB) or more");
        (_options.Guard ?? throw new ArgumentException("CustomizerOptions.Guard is null; use GuardOptions.Off to switch the guard off", nameof(options))).Validate();
        if (_options.Mode is null) throw new ArgumentException("CustomizerOptions.Mode is null; give a blend recipe or CustomizationMode.RuntimeMix", nameof(options));
        Model = model;
        Pool = pool;
        _embedder = new Lazy<ExampleEmbedder>(() => new ExampleEmbedder(model, pool.Signal, _options.EmbeddingThreads));
        if (_options.Mode.IsRuntimeMix && resident is not null)
            throw new ArgumentException("runtime mix loads the pool's adapters into llama.cpp and blends nothing: it takes no resident pool", nameof(resident));
        if (_options.Mode.IsRuntimeMix)
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
        else if (resident is not null)
        {
            if (!ReferenceEquals(resident.Pool, pool.Adapters))
                throw new ArgumentException("the resident pool was uploaded from other adapters than this pool's (upload pool.Adapters)", nameof(resident));
            _resident = resident;
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
    public BlendDevice? BlendDevice => _resident?.Blender.Device;

    /// <summary>The pool resident on the blend device that this customizer blends (its own or a shared one); null for runtime mix.</summary>
    public ResidentPool? ResidentPool => _resident;

    /// <summary>Embeds one text with the pool's signal (e.g. a query to route), in the model's raw space.</summary>
    public float[] Embed(string text)
    {
        lock (_gate) return _embedder.Value.Embed(text);
    }

    /// <summary>Embeds the examples' prompts with the pool's signal, in order.</summary>
    public float[][] Embed(IReadOnlyList<Example> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        var texts = examples.Select((e, i) => e?.Prompt ?? throw new ArgumentException($"example {i} is null", nameof(examples))).ToArray();
        lock (_gate) return _embedder.Value.EmbedAll(texts);
    }

    /// <summary>q_c and alpha for the user's examples, without blending: what a device sends a server.</summary>
    /// <exception cref="ArgumentException">no examples, or an empty one.</exception>
    public CustomizationAlpha Compute(IReadOnlyList<Example> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0) throw new ArgumentException("customization needs at least one example", nameof(examples));
        var clock = Stopwatch.StartNew();
        var embedded = Embed(examples);
        return Compute(embedded, clock.Elapsed);
    }

    /// <summary>q_c and alpha for examples embedded beforehand (e.g. `crayon embed --examples`), after checking they live in the pool's space.</summary>
    /// <exception cref="PoolMismatchException">embeddings of another model, signal or dimension.</exception>
    public CustomizationAlpha Compute(ExampleEmbeddings embeddings, string source = "the examples")
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        embeddings.EnsureMatches(Pool, source);
        return Compute(embeddings.Vectors, TimeSpan.Zero);
    }

    /// <summary>q_c and alpha for example embeddings made with <see cref="Embed(string)"/> (e.g. by a caller that also routes with them).</summary>
    public CustomizationAlpha Compute(IReadOnlyList<float[]> embeddings) => Compute(embeddings, TimeSpan.Zero);

    private CustomizationAlpha Compute(IReadOnlyList<float[]> embeddings, TimeSpan embedTime)
    {
        var clock = Stopwatch.StartNew();
        var taskEmbedding = MeanEmbedding.Of(embeddings);
        embedTime += clock.Elapsed;
        clock.Restart();
        var coefficients = Coefficients(embeddings);
        return new CustomizationAlpha(taskEmbedding, coefficients.Similarities, coefficients.Alpha, embedTime, clock.Elapsed);
    }

    /// <summary>alpha for these example embeddings under this customizer's options (or the ones given), without blending.</summary>
    public BlendCoefficients Coefficients(IReadOnlyList<float[]> embeddings, AlphaOptions? alpha = null, ExampleAggregation? aggregation = null) =>
        TaskAlpha.From(embeddings, Pool.Centroids, e => Pool.ToCentroidSpace(e), alpha ?? _options.Alpha, aggregation ?? _options.Aggregation);

    /// <summary>
    /// Customizes from the user's examples and makes the result live on <paramref name="context"/>. With the guard on
    /// (<see cref="CustomizerOptions.Guard"/>) and two examples or more, a share of them is held out: alpha of the rest is
    /// blended and scored on them under each guard candidate (default: no adapter, the full blend and alpha halfway to the
    /// pool's prior: <see cref="GuardOptions.Candidates"/>); the candidate of alpha over ALL examples then goes live where it scored best (selection on held-out data, then a refit on everything, as with any
    /// hyperparameter; alpha of 3/4 of the examples and of all of them differ little, the candidate is what the guard decides).
    /// With one example nothing can be held out and the blend goes live at full scale, unjudged (the verdict says so).
    /// </summary>
    public CustomizationResult Customize(IReadOnlyList<Example> examples, LlamaContext context)
    {
        ArgumentNullException.ThrowIfNull(examples);
        ArgumentNullException.ThrowIfNull(context);
        if (examples.Count == 0) throw new ArgumentException("customization needs at least one example", nameof(examples));
        if (!ReferenceEquals(context.Model, Model)) throw new ArgumentException("the context belongs to another model than the customizer's", nameof(context));
        var clock = Stopwatch.StartNew();
        var embedded = Embed(examples);
        var customization = Compute(embedded, clock.Elapsed);
        var guard = _options.Guard;
        var heldOut = guard.Enabled ? CustomizationGuard.HeldOut(examples.Count, guard) : [];
        if (heldOut.Length == 0)
            return Apply(customization, context, 1f, GuardVerdict.Skip(guard.Enabled ? "one example: nothing to hold out of alpha, the blend is live unjudged" : "switched off"));

        var guardClock = Stopwatch.StartNew();
        var held = heldOut.ToHashSet();
        var fitEmbedded = embedded.Where((_, i) => !held.Contains(i)).ToArray();
        var fit = Compute(fitEmbedded, TimeSpan.Zero);
        GuardVerdict verdict;
        var loaded = false;
        lock (_gate)
        {
            // Candidates of one alpha (the scaled ones) share one blend: only a candidate whose alpha differs from the live
            // blend's is blended and swapped in again.
            double[]? live = null;
            verdict = CustomizationGuard.Judge(context, heldOut.Select(i => examples[i]).ToArray(), guard.Candidates, choice =>
            {
                var alpha = CandidateAlpha(choice, fit.Alpha, fitEmbedded);
                var blended = live is null || !alpha.AsSpan().SequenceEqual(live);
                var candidate = fit with { Alpha = alpha };
                if (blended)
                {
                    var swap = ApplyLocked(candidate, context, 1f, null).Swap;
                    loaded |= live is null && swap == SwapKind.Loaded;
                    live = alpha;
                }
                SetScaleLocked(context, candidate, (float)choice.Scale);
                return blended;
            }, examples.Count - heldOut.Length, guardClock);
        }
        var kept = customization with { Alpha = CandidateAlpha(verdict.Kept, customization.Alpha, embedded) };
        var result = Apply(kept, context, (float)verdict.KeptScale, verdict with { Time = guardClock.Elapsed });
        // The guard's fit made the first blend of this shape, so this customization loaded the slot; say so.
        return loaded ? result.LoadedEarlier() : result;
    }

    /// <summary>
    /// The alpha a guard candidate blends, from <paramref name="alpha"/> (this customizer's alpha of <paramref name="embeddings"/>):
    /// the same, smoothed toward uniform or toward the pool's prior, or recomputed at a higher temperature. What the guard would make live for those examples.
    /// </summary>
    public double[] CandidateAlpha(GuardChoice choice, double[] alpha, IReadOnlyList<float[]> embeddings)
    {
        ArgumentNullException.ThrowIfNull(choice);
        return choice.AlphaFrom(alpha, _options.Alpha, Pool.Prior, options => Coefficients(embeddings, options).Alpha);
    }

    /// <summary>Customizes from plain lines of text (each line one example).</summary>
    public CustomizationResult Customize(IReadOnlyList<string> lines, LlamaContext context) => Customize(Example.FromLines(lines), context);

    /// <summary>Blends with given weights (uniform, one-hot, searched, a device's alpha) and makes the result live: the baselines' and the server's path.</summary>
    /// <param name="recipe">The blend recipe; null: the options' (<see cref="CustomizerOptions.Mode"/>). A new recipe with the slot's shape lands in place, another shape loads once.</param>
    public CustomizationResult Apply(double[] alpha, LlamaContext context, BlendRecipe? recipe = null)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        if (alpha.Length != Pool.Count) throw new ArgumentException($"alpha has {alpha.Length} weights; the pool has {Pool.Count} adapters", nameof(alpha));
        return Apply(CustomizationAlpha.Given(alpha), context, recipe);
    }

    /// <summary>Blends by <paramref name="customization"/>'s alpha and lands the blend in <paramref name="context"/>'s live adapter slot, at full scale (no guard: alpha was given).</summary>
    /// <param name="recipe">The blend recipe; null: the options' (<see cref="CustomizerOptions.Mode"/>).</param>
    /// <exception cref="InvalidOperationException">a recipe given to a runtime-mix customizer, which holds no pool on a blend device.</exception>
    public CustomizationResult Apply(CustomizationAlpha customization, LlamaContext context, BlendRecipe? recipe = null) => Apply(customization, context, 1f, null, recipe);

    private CustomizationResult Apply(CustomizationAlpha customization, LlamaContext context, float scale, GuardVerdict? guard, BlendRecipe? recipe = null)
    {
        ArgumentNullException.ThrowIfNull(customization);
        ArgumentNullException.ThrowIfNull(context);
        if (!ReferenceEquals(context.Model, Model)) throw new ArgumentException("the context belongs to another model than the customizer's", nameof(context));
        var alpha = customization.Alpha;
        if (alpha.Length != Pool.Count) throw new ArgumentException($"alpha has {alpha.Length} weights; the pool has {Pool.Count} adapters", nameof(customization));
        lock (_gate) return ApplyLocked(customization, context, scale, guard, recipe);
    }

    private CustomizationResult ApplyLocked(CustomizationAlpha customization, LlamaContext context, float scale, GuardVerdict? guard, BlendRecipe? recipe = null)
    {
        var weights = customization.Alpha.Select(a => (float)a).ToArray();
        BlendSelection.CheckWeights(weights, Pool.Count);
        if (recipe is not null && _mixAdapters is not null)
            throw new InvalidOperationException($"this customizer runs runtime mix (no pool on a blend device), so it cannot blend recipe {recipe.Name}; create it with that recipe as CustomizerOptions.Mode");
        (recipe ?? _options.Mode.Recipe)?.CheckWeights(weights);
        var used = UsedAdapters(weights);
        var guardTime = guard?.Time ?? TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        if (_mixAdapters is not null)
        {
            SetScaleLocked(context, customization, scale);
            return new CustomizationResult(customization, used, SwapKind.RuntimeMix,
                new CustomizationTimings(customization.Embed, customization.AlphaTime, TimeSpan.Zero, clock.Elapsed, guardTime), null, null, guard);
        }

        if (!_slots.TryGetValue(context, out var slot)) _slots[context] = slot = new LiveAdapterSlot(context);
        var (blendRecipe, topK, stacked) = BlendShape(used.Length, recipe);
        var (kind, inPlace, blendTimings, blendTime) = slot.Swap(_resident!, weights, blendRecipe, topK, stacked, SlotType, _options.SwapChunkBytes);
        slot.SetScale(scale);
        var elapsed = clock.Elapsed;
        // In place the blend and the swap overlap (read-back and upload are pipelined): the kernel's own time counts as the
        // blend, the rest of the call as the swap, so the two still add up to alpha-in to adapter-live.
        if (blendTime > elapsed) blendTime = elapsed;
        var blended = blendRecipe.StacksAdapters ? BlendSelection.Choose(weights, blendRecipe, topK) : used;
        return new CustomizationResult(customization, blended, kind,
            new CustomizationTimings(customization.Embed, customization.AlphaTime, blendTime, elapsed - blendTime, guardTime), inPlace, blendTimings, guard);
    }

    /// <summary>Makes <paramref name="customization"/>'s blend live on <paramref name="context"/> at <paramref name="scale"/> (0: no adapter), without blending again.</summary>
    private void SetScaleLocked(LlamaContext context, CustomizationAlpha customization, float scale)
    {
        if (_mixAdapters is null)
        {
            _slots[context].SetScale(scale);
            return;
        }
        var weights = customization.Alpha.Select(a => (float)a).ToArray();
        // Runtime mix sums scale_i · B_i·A_i: multiplying every scale by s scales the mix by exactly s.
        var set = scale == 0 ? AdapterSet.None : AdapterSet.Mix(UsedAdapters(weights).Select(i => (_mixAdapters[i], weights[i] * scale)).ToArray());
        context.ApplyAdapters(set);
        _mixed[context] = set;
    }

    /// <summary>The blend of <paramref name="alpha"/> read back into host memory (e.g. to save it as a GGUF adapter); nothing is swapped.</summary>
    /// <exception cref="InvalidOperationException">runtime mix, which blends nothing.</exception>
    /// <param name="recipe">The blend recipe; null: the options'.</param>
    public LoraAdapter BlendToHost(double[] alpha, BlendRecipe? recipe = null)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        if (_resident is null) throw new InvalidOperationException("runtime mix blends nothing: there is no single adapter to read back");
        var weights = alpha.Select(a => (float)a).ToArray();
        BlendSelection.CheckWeights(weights, Pool.Count);
        var (blendRecipe, topK, _) = BlendShape(UsedAdapters(weights).Length, recipe);
        lock (_gate) return _resident.Blend(weights, blendRecipe, topK).Adapter;
    }

    /// <summary>Gives <paramref name="context"/> its last customization back after it was set to another adapter set (e.g. the base model).</summary>
    /// <exception cref="InvalidOperationException">this customizer never customized that context.</exception>
    public void Restore(LlamaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        lock (_gate)
        {
            if (_slots.TryGetValue(context, out var slot)) slot.Restore();
            else if (_mixed.TryGetValue(context, out var set)) context.ApplyAdapters(set);
            else throw new InvalidOperationException("this customizer has not customized that context yet");
        }
    }

    /// <summary>Forgets <paramref name="context"/>'s live slot (call before disposing a context the customizer outlives).</summary>
    public void Release(LlamaContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        lock (_gate)
        {
            if (_slots.Remove(context, out var slot)) slot.Dispose();
            _mixed.Remove(context);
        }
    }

    /// <summary>The adapters with non-zero weight, largest |alpha| first (the stacking order of concat).</summary>
    private static int[] UsedAdapters(float[] weights)
    {
        var nonZero = weights.Count(w => w != 0);
        if (nonZero == 0) throw new ArgumentException("alpha is all zeros: no adapter would be blended", nameof(weights));
        return TopK.LargestMagnitude(weights, nonZero);
    }

    /// <summary>The recipe and what it stacks: concat the adapters with non-zero alpha (top-k), every other recipe one rank-r adapter of all of them.</summary>
    private (BlendRecipe Recipe, int? TopK, int Stacked) BlendShape(int used, BlendRecipe? given)
    {
        var recipe = given ?? _options.Mode.Recipe ?? throw new InvalidOperationException("runtime mix blends nothing");
        return recipe.StacksAdapters ? (recipe, used, used) : (recipe, null, 1);
    }

    /// <summary>The live adapter's element type: F32 for an F32 pool (exactly the values blended), F16 for an F16 pool.</summary>
    private GgmlType SlotType => _resident!.Storage == PoolStorage.Float32 ? GgmlType.F32 : GgmlType.F16;

    public void Dispose()
    {
        foreach (var slot in _slots.Values) slot.Dispose();
        _slots.Clear();
        if (_embedder.IsValueCreated) _embedder.Value.Dispose();
        foreach (var adapter in _mixAdapters ?? []) adapter.Dispose();
        _blender?.Dispose();
    }
}
