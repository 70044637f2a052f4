using System.Runtime.InteropServices;
using Crayon.Adapters;
using Crayon.Blending;
using Crayon.Formats.Gguf;
using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// The fast swap path: an adapter loaded into llama.cpp once, applied to ONE context, and from then on
/// rewritten where llama.cpp keeps its tensors. A swap is then: blend straight into <see cref="Image"/>
/// (laid out like llama.cpp's buffers, in the adapter's element type), and <see cref="Commit"/>: one upload,
/// no GGUF parse, no llama_set_adapters_lora, and so no graph re-planning at the next decode.
/// Every new value set must have the shapes of the first (same targets, same rank: the same blend mode
/// and k); alpha stays the first adapter's.
/// Thread-safety: <see cref="Image"/> may be written at any time (llama.cpp reads it only in
/// <see cref="Commit"/>); <see cref="Commit"/> waits for no one: it fails if a request is decoding on the
/// context at that moment. The adapter is never shared with another context or with a
/// <see cref="LlamaEngine"/> (whose sessions keep their set while a swap happens); use
/// <see cref="LlamaEngine.SetAdapters"/> with freshly loaded adapters there.
/// </summary>
public sealed class InPlaceAdapter : IDisposable
{
    private readonly LlamaContext _context;
    private readonly LlamaAdapter _adapter;
    private readonly AdapterTensorImage _image;
    private readonly IReadOnlyList<LoraPair> _shape;
    private bool _disposed;

    private InPlaceAdapter(LlamaContext context, LlamaAdapter adapter, AdapterTensorImage image, IReadOnlyList<LoraPair> shape)
    {
        _context = context;
        _adapter = adapter;
        _image = image;
        _shape = shape;
    }

    /// <summary>
    /// Loads <paramref name="initial"/> (as <paramref name="type"/>: F16 or F32) for <paramref name="context"/>'s model, finds
    /// its tensors in llama.cpp's buffers, and applies it to <paramref name="context"/> (replacing the context's set).
    /// </summary>
    public static InPlaceAdapter Create(LlamaContext context, LoraAdapter initial, GgmlType type = GgmlType.F16, string name = "in-place")
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(initial);
        if (type is not (GgmlType.F16 or GgmlType.F32)) throw new ArgumentException($"an in-place adapter holds F16 or F32 factors, not {type}", nameof(type));
        var adapter = LlamaAdapter.Load(context.Model, LoraAdapterGguf.ToBytes(initial, type), name);
        AdapterTensorImage? image = null;
        try
        {
            var factors = LoraTensorDiscovery.Find(context.Model.Handle, adapter.NativePointer);
            if (factors.Count != 2 * initial.Pairs.Count)
                throw new InvalidOperationException($"llama.cpp uses {factors.Count} of the adapter's {2 * initial.Pairs.Count} factors in a decode; every factor must be reachable to be rewritten");
            image = AdapterTensorImage.Create(factors);
            context.ApplyAdapters(AdapterSet.Single(adapter));
            return new InPlaceAdapter(context, adapter, image, initial.Pairs);
        }
        catch
        {
            image?.Dispose();
            adapter.Dispose();
            throw;
        }
    }

    /// <summary>The image llama.cpp's tensors are uploaded from (pinned device memory where the backend has it).</summary>
    public Span<byte> Image
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _image.Memory;
        }
    }

    public long ImageBytes => _image.Bytes;

    /// <summary>True when <see cref="Image"/> is the backend's pinned host memory (uploads need no staging copy).</summary>
    public bool ImageIsPinned => _image.Pinned;

    public PoolStorage ElementType => _image.ElementType == GgmlConstants.TypeF32 ? PoolStorage.Float32 : PoolStorage.Float16;

    /// <summary>Where each tensor of a blend of <paramref name="pool"/> goes in <see cref="Image"/>; the blend must produce this adapter's shapes.</summary>
    public BlendImageLayout LayoutFor(AdapterPool pool, BlendMode mode, int stacked = 1)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var rank = pool.Rank * (mode == BlendMode.Concat ? stacked : 1);
        var offsets = new long[pool.TensorCount];
        for (var t = 0; t < pool.Targets.Count; t++)
        {
            var target = pool.Targets[t];
            var pair = _shape.FirstOrDefault(p => p.Target == target.Name)
                ?? throw new ArgumentException($"this in-place adapter has no factors for pool target '{target.Name}'", nameof(pool));
            if (pair.A.Rows != rank || pair.A.Cols != target.InFeatures || pair.B.Rows != target.OutFeatures || pair.B.Cols != rank)
                throw new ArgumentException($"pool target '{target.Name}' blends to A {rank}×{target.InFeatures}, B {target.OutFeatures}×{rank}; " +
                                            $"this in-place adapter holds A {pair.A}, B {pair.B}", nameof(pool));
            offsets[2 * t] = _image.Offsets[$"{target.Name}.weight.lora_a"];
            offsets[2 * t + 1] = _image.Offsets[$"{target.Name}.weight.lora_b"];
        }
        return new BlendImageLayout(ElementType, offsets);
    }

    /// <summary>Writes <paramref name="values"/> (this adapter's targets and shapes) into <see cref="Image"/>, converted to its element type.</summary>
    public void Write(LoraAdapter values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var image = Image;
        foreach (var pair in values.Pairs)
        {
            var shape = _shape.FirstOrDefault(p => p.Target == pair.Target)
                ?? throw new ArgumentException($"this in-place adapter has no target '{pair.Target}'", nameof(values));
            if (shape.A.Rows != pair.A.Rows || shape.A.Cols != pair.A.Cols || shape.B.Rows != pair.B.Rows || shape.B.Cols != pair.B.Cols)
                throw new ArgumentException($"target '{pair.Target}' has A {pair.A}, B {pair.B}; this in-place adapter holds A {shape.A}, B {shape.B}", nameof(values));
            Convert(pair.A.Data, image[(int)_image.Offsets[$"{pair.Target}.weight.lora_a"]..]);
            Convert(pair.B.Data, image[(int)_image.Offsets[$"{pair.Target}.weight.lora_b"]..]);
        }
    }

    /// <summary>
    /// Uploads <see cref="Image"/> into llama.cpp's tensors and clears the context's cached tokens; the next decode on the
    /// context uses the new values. Fails if a request is decoding on the context right now, or if the context's set no
    /// longer holds this adapter.
    /// </summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _context.RewriteAppliedAdapter(_adapter, _image.Upload);
    }

    private void Convert(float[] values, Span<byte> destination)
    {
        if (ElementType == PoolStorage.Float32)
        {
            MemoryMarshal.AsBytes(values.AsSpan()).CopyTo(destination);
            return;
        }
        var halves = MemoryMarshal.Cast<byte, Half>(destination[..(values.Length * 2)]);
        for (var i = 0; i < values.Length; i++) halves[i] = (Half)values[i];
    }

    /// <summary>Frees the image; the adapter itself lives on while the context's set holds it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _image.Dispose();
        _adapter.Dispose();
    }
}
