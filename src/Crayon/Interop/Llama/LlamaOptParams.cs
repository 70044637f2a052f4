using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

#pragma warning disable IDE1006 // field names are llama.h's, matched by name in the layout test
/// <summary>llama.h: struct llama_opt_params (training).</summary>
[NativeStruct("llama_opt_params")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaOptParams
{
    public uint n_ctx_train;
    public delegate* unmanaged<GgmlTensor*, IntPtr, byte> param_filter;
    public IntPtr param_filter_ud;
    public delegate* unmanaged<IntPtr, GgmlOptOptimizerParams> get_opt_pars;
    public IntPtr get_opt_pars_ud;
    public int optimizer_type;

    public const int OptimizerAdamW = 0;
    public const int OptimizerSgd = 1;
}

/// <summary>ggml-opt.h: struct ggml_opt_optimizer_params, returned by value from the optimizer callback.</summary>
[NativeStruct("ggml_opt_optimizer_params")]
[StructLayout(LayoutKind.Sequential)]
internal struct GgmlOptOptimizerParams
{
    public AdamWParams adamw;
    public SgdParams sgd;

    [StructLayout(LayoutKind.Sequential)]
    public struct AdamWParams
    {
        public float alpha;
        public float beta1;
        public float beta2;
        public float eps;
        public float wd;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct SgdParams
    {
        public float alpha;
        public float wd;
    }
}
