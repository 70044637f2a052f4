using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>Owns a ggml_opt_result: the losses and prediction counts accumulated by llama_opt_epoch.</summary>
internal sealed unsafe class SafeGgmlOptResultHandle : SafeHandle
{
    public SafeGgmlOptResultHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public static SafeGgmlOptResultHandle Create()
    {
        var pointer = GgmlOptApi.ggml_opt_result_init();
        if (pointer == IntPtr.Zero) throw new LlamaNativeException("ggml could not allocate an optimization result");
        var result = new SafeGgmlOptResultHandle();
        result.SetHandle(pointer);
        return result;
    }

    /// <summary>Token positions evaluated since the last reset.</summary>
    public long Positions
    {
        get
        {
            long n;
            GgmlOptApi.ggml_opt_result_ndata(this, &n);
            return n;
        }
    }

    /// <summary>The mean cross-entropy per token since the last reset (0 when nothing was evaluated).</summary>
    public double MeanLoss
    {
        get
        {
            double loss, uncertainty;
            GgmlOptApi.ggml_opt_result_loss(this, &loss, &uncertainty);
            return loss;
        }
    }

    /// <summary>The share of positions whose most likely token was the label.</summary>
    public double Accuracy
    {
        get
        {
            double accuracy, uncertainty;
            GgmlOptApi.ggml_opt_result_accuracy(this, &accuracy, &uncertainty);
            return accuracy;
        }
    }

    public void Reset() => GgmlOptApi.ggml_opt_result_reset(this);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        GgmlOptApi.ggml_opt_result_free(handle);
        return true;
    }
}
