using System.Diagnostics;
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
/// <see cref="SwapFrom"/> does both at once, pipelined: the blend lands in the image chunk by chunk and each chunk is
/// uploaded while the device reads back the next, so the two transfers overlap instead of adding up.
/// Every new value set must have the shapes of the first (same targets, same rank: the same blend mode
/// and k); alpha stays the first adapter's.
/// Thread-safety: <see cref="Image"/> may be written at any time (llama.cpp reads it only in
/// <see cref="Commit"/>); <see cref="Commit"/> and <see cref="SwapFrom"/> wait for no one: they fail if a request is
/// decoding on the context at that moment, and hold the context until the new values are in (a decode asked for
/// meanwhile fails fast, as on any busy context). The adapter is never shared with another context or with a
/// <see cref="LlamaEngine"/> (whose sessions keep their set while a swap happens); use
/// <see cref="LlamaEngine.SetAdapters"/> with freshly loaded adapters there.
/// </summary>
public sealed class InPlaceAdapter : IDisposable
{
    private readonly LlamaContext _context;
    private readonly LlamaAdapter _adapter;
    private readonly AdapterTensorImage _image;
    private readonly IReadOnlyList<LoraPair> _shape;
    private readonly float _loraAlpha;
    private (AdapterPool Pool, bool Stacks, int Stacked, BlendImageLayout Layout)? _lastLayout;
    private bool _disposed;

    private InPlaceAdapter(LlamaContext context, LlamaAdapter adapter, AdapterTensorImage image, IReadOnlyList<LoraPair> shape, float loraAlpha)
    {
        _context = context;
        _adapter = adapter;
        _image = image;
        _shape = shape;
        _loraAlpha = loraAlpha;
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
            return new InPlaceAdapter(context, adapter, image, initial.Pairs, initial.Alpha);
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

    /// <summary>True while the context's adapter set holds this adapter (an in-place rewrite reaches the context).</summary>
    public bool IsApplied => !_disposed && _context.Adapters.Entries.Any(e => ReferenceEquals(e.Adapter, _adapter));

    /// <summary>The scale llama.cpp applies this adapter with (B·A × scale × alpha/rank); 1 until <see cref="Reapply(float)"/> says otherwise.</summary>
    public float Scale { get; private set; } = 1f;

    /// <summary>Makes this adapter the context's set again at its <see cref="Scale"/> (llama.cpp re-plans its graph once), e.g. after a comparison with the base model.</summary>
    public void Reapply() => Reapply(Scale);

    /// <summary>
    /// Makes this adapter the context's set at <paramref name="scale"/>: the same loaded tensors, no upload, only a graph
    /// re-plan at the next decode. Exact for any blend mode (llama.cpp multiplies B·A x by the scale), unlike scaling the
    /// blend's weights, which scales a linear blend's B·A by the square.
    /// </summary>
    public void Reapply(float scale)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _context.ApplyAdapters(AdapterSet.Single(_adapter, scale));
        Scale = scale;
    }

    /// <summary>True when <see cref="Image"/> is the backend's pinned host memory (uploads need no staging copy).</summary>
    public bool ImageIsPinned => _image.Pinned;

    public PoolStorage ElementType => _image.ElementType == GgmlConstants.TypeF32 ? PoolStorage.Float32 : PoolStorage.Float16;

    /// <summary>Where each tensor of a blend of <paramref name="pool"/> goes in <see cref="Image"/>; the blend must produce this adapter's shapes.</summary>
    public BlendImageLayout LayoutFor(AdapterPool pool, BlendRecipe mode, int stacked = 1)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(mode);
        var rank = pool.Rank * (mode.StacksAdapters ? stacked : 1);
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

    /// <summary>
    /// Writes <paramref name="values"/> into <see cref="Image"/>, converted to its element type. They must be this adapter's
    /// whole shape: every target with the same factor shapes and the same LoRA alpha (llama.cpp keeps the loaded alpha, so
    /// another would apply at the wrong scale). Checked before anything is written, so a refused write leaves the image as it was.
    /// </summary>
    public void Write(LoraAdapter values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Alpha != _loraAlpha)
            throw new ArgumentException($"the values have LoRA alpha {values.Alpha}; this in-place adapter was loaded with {_loraAlpha}", nameof(values));
        if (values.Pairs.Count != _shape.Count)
            throw new ArgumentException($"the values have {values.Pairs.Count} targets; this in-place adapter holds {_shape.Count}", nameof(values));
        foreach (var pair in values.Pairs)
        {
            var shape = _shape.FirstOrDefault(p => p.Target == pair.Target)
                ?? throw new ArgumentException($"this in-place adapter has no target '{pair.Target}'", nameof(values));
            if (shape.A.Rows != pair.A.Rows || shape.A.Cols != pair.A.Cols || shape.B.Rows != pair.B.Rows || shape.B.Cols != pair.B.Cols)
                throw new ArgumentException($"target '{pair.Target}' has A {pair.A}, B {pair.B}; this in-place adapter holds A {shape.A}, B {shape.B}", nameof(values));
        }
        var image = Image;
        foreach (var pair in values.Pairs)
        {
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

    /// <summary>
    /// Blends <paramref name="pool"/> with <paramref name="weights"/> straight into <see cref="Image"/> and uploads it into llama.cpp's
    /// tensors as the chunks land (at most <paramref name="chunkBytes"/> each; 0 = 1 MiB; the chunks that land during one upload
    /// go up together in the next), overlapping the device's read-back with the upload; then drops the context's cached tokens. The next decode on the context uses the new values.
    /// The blend must produce this adapter's shapes (see <see cref="LayoutFor"/>). Fails, like <see cref="Commit"/>, if a request
    /// is decoding on the context. Should the blend fail part way, some tensors hold new values until the next swap.
    /// </summary>
    /// <param name="topK">Concat only: how many adapters to stack (largest |w| first); null = all.</param>
    public InPlaceSwapTimings SwapFrom(ResidentPool pool, ReadOnlySpan<float> weights, BlendRecipe mode, int? topK = null, long chunkBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(mode);
        ObjectDisposedException.ThrowIf(_disposed, this);
        BlendSelection.CheckWeights(weights, pool.Pool.Count);
        var stacked = mode.StacksAdapters ? BlendSelection.Choose(weights, mode, topK).Length : 1;
        var layout = CachedLayoutFor(pool.Pool, mode, stacked);
        var alpha = weights.ToArray();
        var started = Stopwatch.GetTimestamp();
        double blendCalled = 0, uploadDone = 0, uploading = 0;
        var blend = default(BlendTimings);
        _context.RewriteAppliedAdapter(_adapter, () =>
        {
            blendCalled = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            blend = pool.BlendInto(alpha, mode, topK, _image.Memory, layout, chunk =>
            {
                var uploadStarted = Stopwatch.GetTimestamp();
                _image.Upload(chunk.Offset, chunk.Bytes);
                uploading += Stopwatch.GetElapsedTime(uploadStarted).TotalMicroseconds;
                uploadDone = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
            }, chunkBytes);
        });
        // The landing milestones are the native side's, from its call's start: here a few microseconds after blendCalled.
        return new InPlaceSwapTimings(blend.BlendMicroseconds, blendCalled + blend.FirstLandedMicroseconds, blendCalled + blend.LandedMicroseconds,
            uploadDone, Stopwatch.GetElapsedTime(started).TotalMicroseconds, uploading, blend.Chunks, blend.Callbacks, blend.DeviceTimed);
    }

    /// <summary><see cref="LayoutFor"/> of the last pool swapped from: matching 224 factors by name is not free on the swap's path.</summary>
    private BlendImageLayout CachedLayoutFor(AdapterPool pool, BlendRecipe mode, int stacked)
    {
        if (_lastLayout is { } last && ReferenceEquals(last.Pool, pool) && last.Stacks == mode.StacksAdapters && last.Stacked == stacked) return last.Layout;
        var layout = LayoutFor(pool, mode, stacked);
        _lastLayout = (pool, mode.StacksAdapters, stacked, layout);
        return layout;
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
