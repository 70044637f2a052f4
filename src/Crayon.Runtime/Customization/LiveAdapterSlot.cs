using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Llama;

namespace Crayon.Customization;

/// <summary>
/// The customizer's adapter in one context: loaded into llama.cpp once per shape (blend mode and adapters stacked), then
/// rewritten in place by every later blend of that shape, pipelined chunk by chunk. A new shape loads once and becomes
/// the slot. Logits after an in-place swap equal those of a fresh load of the same blend: same element type, same values.
/// </summary>
internal sealed class LiveAdapterSlot(LlamaContext context) : IDisposable
{
    private InPlaceAdapter? _adapter;
    private (BlendMode Mode, int Stacked, GgmlType Type) _shape;

    public LlamaContext Context { get; } = context;

    /// <summary>Lands the blend of <paramref name="pool"/> by <paramref name="weights"/> in this context.</summary>
    /// <returns>How it landed; the blend's own time (the kernel in place, where it overlaps the swap; the whole blend call before a first load).</returns>
    public (SwapKind Kind, InPlaceSwapTimings? InPlace, BlendTimings? Blend, TimeSpan BlendTime) Swap(ResidentPool pool, float[] weights, BlendMode mode, int? topK, int stacked, GgmlType type, long chunkBytes)
    {
        if (_adapter is not null && _shape == (mode, stacked, type))
        {
            if (!_adapter.IsApplied) _adapter.Reapply();
            var timings = _adapter.SwapFrom(pool, weights, mode, topK, chunkBytes);
            return (SwapKind.InPlace, timings, null, TimeSpan.FromMicroseconds(timings.BlendMicroseconds));
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var blend = pool.Blend(weights, mode, topK);
        var blendTime = clock.Elapsed;
        var created = InPlaceAdapter.Create(Context, blend.Adapter, type, "crayon customization");
        _adapter?.Dispose();
        _adapter = created;
        _shape = (mode, stacked, type);
        return (SwapKind.Loaded, null, blend.Timings, blendTime);
    }

    /// <summary>Applies the live adapter again after the context was given another set (e.g. the base model for a comparison).</summary>
    public void Restore()
    {
        if (_adapter is { IsApplied: false }) _adapter.Reapply();
    }

    public void Dispose() => _adapter?.Dispose();
}
