using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

#pragma warning disable IDE1006 // field names are llama.h's, matched by name in the layout test
/// <summary>llama.h: struct llama_opt_params, the arguments of llama_opt_init.</summary>
[NativeStruct("llama_opt_params")]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaOptParams
{
    /// <summary>Written into the model's hparams.n_ctx_train by llama_opt_init; 0 means the context's n_ctx.</summary>
    public uint n_ctx_train;
    public delegate* unmanaged<GgmlTensor*, IntPtr, byte> param_filter;
    public IntPtr param_filter_ud;
    public delegate* unmanaged<IntPtr, GgmlOptOptimizerParams> get_opt_pars;
    public IntPtr get_opt_pars_ud;
    public int optimizer_type;

    public const int OptimizerAdamW = 0;
    public const int OptimizerSgd = 1;
}
