using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// Works around a llama.cpp training bug. llama.cpp builds its training graphs anew for every batch
/// (ggml-opt's non-static mode), and in that mode nothing ever zeroes the gradient accumulators:
/// ggml_opt_alloc only resets them through a graph pointer that is already NULL. Step t then applies
/// the SUM of all gradients so far (measured with SGD: the second step moves the weights twice as far
/// as the first, the third three times). We zero every trainable tensor's accumulator just before each
/// optimizer step, from inside the optimizer-params callback, the one moment at which ggml_opt_grad_acc
/// can reach the step's graph. The optimizer context itself comes from the epoch callback, which has no
/// user data: it is kept per thread, since llama_opt_epoch calls back on the calling thread.
/// </summary>
internal sealed unsafe class GradientAccumulatorReset
{
    [ThreadStatic] private static GradientAccumulatorReset? _active;

    private readonly Func<IReadOnlyList<IntPtr>> _parameters;
    private IntPtr _optimizerContext;

    public GradientAccumulatorReset(Func<IReadOnlyList<IntPtr>> parameters) => _parameters = parameters;

    /// <summary>Steps at which the accumulators were cleared.</summary>
    public long Resets { get; private set; }

    /// <summary>The epoch callback to pass to llama_opt_epoch.</summary>
    public static IntPtr EpochCallback => (IntPtr)(delegate* unmanaged<byte, IntPtr, IntPtr, IntPtr, long, long, long, void>)&OnBatch;

    /// <summary>Makes this instance the one the epoch callback reports to, on this thread, until disposed.</summary>
    public Scope Activate()
    {
        _active = this;
        return new Scope();
    }

    public readonly struct Scope : IDisposable
    {
        public void Dispose() => _active = null;
    }

    [System.Runtime.InteropServices.UnmanagedCallersOnly]
    private static void OnBatch(byte train, IntPtr optimizerContext, IntPtr dataset, IntPtr result, long batch, long batches, long startMicroseconds)
    {
        if (_active is { } reset && optimizerContext != IntPtr.Zero) reset._optimizerContext = optimizerContext;
    }

    /// <summary>Called before each optimizer step (from get_opt_pars). Before the first step nothing has accumulated yet.</summary>
    public void BeforeStep()
    {
        if (_optimizerContext == IntPtr.Zero) return;
        foreach (var parameter in _parameters())
        {
            var accumulator = GgmlOptApi.ggml_opt_grad_acc(_optimizerContext, (GgmlTensor*)parameter);
            if (accumulator is null) throw new LlamaNativeException("ggml_opt_grad_acc found no gradient accumulator for a trainable tensor; this llama.cpp build trains differently than Crayon expects");
            GgmlApi.ggml_backend_tensor_memset(accumulator, 0, 0, GgmlApi.ggml_nbytes(accumulator));
        }
        Resets++;
    }
}
