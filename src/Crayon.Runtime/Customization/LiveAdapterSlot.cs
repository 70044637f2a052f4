using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Llama;

namespace Crayon.Customization;

/// <summary>
/// The customizer's adapter in one context: loaded into llama.cpp once per shape (rank: stacked or not, and how many), then
/// rewritten in place by every later blend of that shape, pipelined chunk by chunk. A new shape loads once and becomes
/// the slot. Logits after an in-place swap equal those of a fresh load of the same blend: same element type, same values.
/// The slot also has a scale (the guard's choice): applied through llama.cpp's adapter scale, no reload; scale 0 clears
/// the context's set (the base model) while the slot keeps its tensors for the next swap.
/// </summary>
internal sealed class LiveAdapterSlot(LlamaContext context) : IDisposable
{
    private InPlaceAdapter? _adapter;
    private (object Source, int Rank, GgmlType Type) _shape;

    public LlamaContext Context { get; } = context;

    /// <summary>The scale the slot's blend is live at; 0: the context computes with the base model.</summary>
    public float Scale { get; private set; } = 1f;

    /// <summary>Lands the blend of <paramref name="pool"/> by <paramref name="weights"/> in this context (at the slot's current scale; see <see cref="SetScale"/>).</summary>
    /// <returns>How it landed; the blend's own time (the kernel in place, where it overlaps the swap; the whole blend call before a first load).</returns>
    public (SwapKind Kind, InPlaceSwapTimings? InPlace, BlendTimings? Blend, TimeSpan BlendTime) Swap(ResidentPool pool, float[] weights, BlendRecipe recipe, int? topK, int stacked, GgmlType type, long chunkBytes)
    {
        // The shape is the tensors' (rank r, or k·r stacked), not the recipe's name: linear and every merge recipe blend to
        // rank r with the pool's LoRA alpha (BlendedLoraAlpha), so a switch between them lands in place too.
        var shape = ((object)pool, pool.Pool.Rank * (recipe.StacksAdapters ? stacked : 1), type);
        if (_adapter is not null && _shape.Equals(shape))
        {
            // An in-place rewrite reaches only an applied adapter; at scale 0 it is applied for the rewrite at scale 1, and
            // SetScale clears the set again after.
            if (!_adapter.IsApplied) _adapter.Reapply(Scale == 0 ? 1f : Scale);
            var timings = _adapter.SwapFrom(pool, weights, recipe, topK, chunkBytes);
            return (SwapKind.InPlace, timings, null, TimeSpan.FromMicroseconds(timings.BlendMicroseconds));
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var blend = pool.Blend(weights, recipe, topK);
        var blendTime = clock.Elapsed;
        var created = InPlaceAdapter.Create(Context, blend.Adapter, type, "crayon customization");
        _adapter?.Dispose();
        _adapter = created;
        _shape = shape;
        Scale = 1f;
        return (SwapKind.Loaded, null, blend.Timings, blendTime);
    }

    /// <summary>
    /// Lands a blend made elsewhere (e.g. a server's, received as values) in this context: written in place when it has the
    /// slot's shape (same <paramref name="source"/>, i.e. the same pool's targets and LoRA alpha, same rank and element type),
    /// else loaded once as the slot's new adapter.
    /// </summary>
    public (SwapKind Kind, TimeSpan Time) Land(LoraAdapter blend, GgmlType type, string source)
    {
        var rank = blend.UniformRank ?? throw new ArgumentException("a blend landed in a slot has one rank for every target", nameof(blend));
        var shape = ((object)source, rank, type);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        if (_adapter is not null && _shape.Equals(shape))
        {
            if (!_adapter.IsApplied) _adapter.Reapply(Scale == 0 ? 1f : Scale);
            _adapter.Write(blend);
            _adapter.Commit();
            return (SwapKind.InPlace, clock.Elapsed);
        }
        var created = InPlaceAdapter.Create(Context, blend, type, "crayon customization from " + source);
        _adapter?.Dispose();
        _adapter = created;
        _shape = shape;
        Scale = 1f;
        return (SwapKind.Loaded, clock.Elapsed);
    }

    /// <summary>
    /// Makes the slot's blend live at <paramref name="scale"/> without reloading it: llama.cpp's adapter scale (a graph
    /// re-plan at the next decode, no upload); 0 clears the context's set. Nothing happens when that is already so.
    /// </summary>
    public void SetScale(float scale)
    {
        if (_adapter is null) throw new InvalidOperationException("the slot holds no blend yet");
        if (scale == 0)
        {
            if (!Context.Adapters.IsEmpty) Context.ApplyAdapters(AdapterSet.None);
        }
        else if (!_adapter.IsApplied || _adapter.Scale != scale)
        {
            _adapter.Reapply(scale);
        }
        Scale = scale;
    }

    /// <summary>Gives the context the slot's blend at the slot's scale again after it was given another set (e.g. the base model for a comparison).</summary>
    public void Restore()
    {
        if (_adapter is null) return;
        if (Scale == 0) Context.ApplyAdapters(AdapterSet.None);
        else if (!_adapter.IsApplied || _adapter.Scale != Scale) _adapter.Reapply(Scale);
    }

    public void Dispose() => _adapter?.Dispose();
}
