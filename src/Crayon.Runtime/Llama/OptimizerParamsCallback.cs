using System.Runtime.InteropServices;

using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// ggml_opt's get_opt_pars callback, called before every optimizer step: asks a managed schedule for
/// the AdamW hyperparameters of step n (0-based). Values ggml would assert on are rejected here, and
/// a schedule that throws leaves the last good values in place (the error is kept for the caller).
/// </summary>
internal sealed unsafe class OptimizerParamsCallback : IDisposable
{
    private readonly Func<long, AdamWStep> _schedule;
    private readonly Action _beforeStep;
    private GCHandle _self;
    private GgmlOptOptimizerParams _last;

    /// <param name="beforeStep">Runs first in every call, i.e. just before each optimizer step's graph is computed.</param>
    public OptimizerParamsCallback(Func<long, AdamWStep> schedule, Action beforeStep)
    {
        _schedule = schedule;
        _beforeStep = beforeStep;
        _self = GCHandle.Alloc(this);
        _last = ToNative(schedule(0));
    }

    public IntPtr UserData => GCHandle.ToIntPtr(_self);

    public static delegate* unmanaged<IntPtr, GgmlOptOptimizerParams> Callback => &OnGetParams;

    /// <summary>Optimizer steps taken so far.</summary>
    public long Steps { get; private set; }

    public Exception? Error { get; private set; }

    [UnmanagedCallersOnly]
    private static GgmlOptOptimizerParams OnGetParams(IntPtr userData)
    {
        var source = (OptimizerParamsCallback)GCHandle.FromIntPtr(userData).Target!;
        try
        {
            source._beforeStep();
            source._last = ToNative(source._schedule(source.Steps));
        }
        catch (Exception e)
        {
            source.Error ??= e;
        }
        source.Steps++;
        return source._last;
    }

    private static GgmlOptOptimizerParams ToNative(AdamWStep step)
    {
        step.Validate();
        return new GgmlOptOptimizerParams
        {
            adamw__alpha = step.LearningRate,
            adamw__beta1 = step.Beta1,
            adamw__beta2 = step.Beta2,
            adamw__eps = step.Epsilon,
            adamw__wd = step.WeightDecay,
            sgd__alpha = step.LearningRate,
            sgd__wd = step.WeightDecay,
        };
    }

    public void Dispose()
    {
        if (_self.IsAllocated) _self.Free();
    }
}

/// <summary>AdamW hyperparameters of one optimizer step.</summary>
internal readonly record struct AdamWStep(float LearningRate, float WeightDecay, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f)
{
    /// <summary>ggml_opt_eval asserts on these ranges (and aborts the process), so they are checked first.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || !float.IsFinite(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "the learning rate must be positive and finite");
        if (!(WeightDecay >= 0 && WeightDecay <= 1)) throw new ArgumentOutOfRangeException(nameof(WeightDecay), WeightDecay, "weight decay must lie in [0, 1]");
        if (!(Beta1 >= 0 && Beta1 <= 1)) throw new ArgumentOutOfRangeException(nameof(Beta1), Beta1, "beta1 must lie in [0, 1]");
        if (!(Beta2 >= 0 && Beta2 <= 1)) throw new ArgumentOutOfRangeException(nameof(Beta2), Beta2, "beta2 must lie in [0, 1]");
        if (!(Epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(Epsilon), Epsilon, "epsilon must not be negative");
    }
}
