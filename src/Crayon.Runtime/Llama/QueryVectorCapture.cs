using System.Runtime.InteropServices;

using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// Captures a named activation through llama.cpp's cb_eval callback and sums its rows over tokens.
/// Used for the first attention layer's query vectors, "Qcur-0", taken BEFORE RoPE: llama.cpp gives
/// that name to the projection output (after bias/LoRA), to its 3-D reshape (a view) and to the
/// RoPE output; we keep the non-view, non-RoPE one, so the signal is position-independent content.
/// The callback runs on the thread inside llama_decode; it allocates nothing, copies through
/// ggml_backend_tensor_get (correct when Vulkan holds the tensor), and never throws into native code.
/// </summary>
internal sealed unsafe class QueryVectorCapture : IDisposable
{
    private readonly byte[] _name;
    private readonly float[] _rows;      // pinned scratch: one ubatch of the tensor
    private readonly double[] _sum;
    private GCHandle _self;
    private IntPtr _pendingTensor;
    private int _pendingRows;
    private bool _armed;

    public QueryVectorCapture(string tensorName, int width, int maxRowsPerUbatch)
    {
        _name = System.Text.Encoding.ASCII.GetBytes(tensorName + "\0");
        Width = width;
        _rows = GC.AllocateUninitializedArray<float>(checked(width * maxRowsPerUbatch), pinned: true);
        _sum = new double[width];
        _self = GCHandle.Alloc(this);
    }

    public int Width { get; }

    /// <summary>Rows summed since <see cref="Begin"/>.</summary>
    public int Rows { get; private set; }

    /// <summary>Why the capture failed (a tensor of an unexpected shape or type), or null.</summary>
    public string? Error { get; private set; }

    public IntPtr UserData => GCHandle.ToIntPtr(_self);

    public static delegate* unmanaged<IntPtr, byte, IntPtr, byte> Callback => &OnEval;

    public void Begin()
    {
        Array.Clear(_sum);
        Rows = 0;
        Error = null;
        _pendingTensor = IntPtr.Zero;
        _pendingRows = 0;
        _armed = true;
    }

    /// <summary>Call after each llama_decode: the last tensor of the chain seen is the one to keep.</summary>
    public void EndDecode() => CommitPending();

    /// <summary>The mean row, or null when nothing was captured.</summary>
    public float[]? End()
    {
        CommitPending();
        _armed = false;
        if (Rows == 0) return null;
        var mean = new float[Width];
        for (var i = 0; i < Width; i++) mean[i] = (float)(_sum[i] / Rows);
        return mean;
    }

    [UnmanagedCallersOnly]
    private static byte OnEval(IntPtr tensorPointer, byte ask, IntPtr userData)
    {
        try
        {
            var capture = (QueryVectorCapture)GCHandle.FromIntPtr(userData).Target!;
            var tensor = (GgmlTensor*)tensorPointer;
            if (!capture._armed || !capture.Matches(tensor)) return 0;
            if (ask != 0) return 1;
            capture.Copy(tensor);
            return 1;
        }
        catch
        {
            return 0;
        }
    }

    private bool Matches(GgmlTensor* tensor)
    {
        if (tensor->view_src != IntPtr.Zero || tensor->op == GgmlConstants.OpRope) return false;
        for (var i = 0; i < _name.Length; i++)
            if (tensor->name[i] != _name[i]) return false;
        return true;
    }

    private void Copy(GgmlTensor* tensor)
    {
        var width = tensor->ne[0];
        var rows = tensor->ne[1];
        if (tensor->type != GgmlConstants.TypeF32 || width != Width || tensor->ne[2] != 1 || tensor->ne[3] != 1
            || tensor->nb[0] != sizeof(float) || tensor->nb[1] != (ulong)(width * sizeof(float)) || rows * width > _rows.Length)
        {
            Error ??= $"tensor '{System.Text.Encoding.ASCII.GetString(_name).TrimEnd('\0')}' is [{width}, {rows}, {tensor->ne[2]}] of ggml type {tensor->type}; expected contiguous F32 [{Width}, n_tokens]";
            return;
        }
        // A later tensor of the same name computed from this one (bias add) replaces it; anything else
        // is the next ubatch, so what is pending is complete.
        if (_pendingTensor != IntPtr.Zero && tensor->src[0] != (ulong)_pendingTensor) CommitPending();
        fixed (float* destination = _rows)
            GgmlApi.ggml_backend_tensor_get(tensor, destination, 0, (nuint)(rows * width * sizeof(float)));
        _pendingTensor = (IntPtr)tensor;
        _pendingRows = (int)rows;
    }

    private void CommitPending()
    {
        if (_pendingTensor == IntPtr.Zero) return;
        for (var r = 0; r < _pendingRows; r++)
        {
            var offset = r * Width;
            for (var i = 0; i < Width; i++) _sum[i] += _rows[offset + i];
        }
        Rows += _pendingRows;
        _pendingTensor = IntPtr.Zero;
        _pendingRows = 0;
    }

    public void Dispose()
    {
        if (_self.IsAllocated) _self.Free();
    }
}
