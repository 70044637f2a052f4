using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

#pragma warning disable IDE1006 // field names are ggml-opt.h's ("adamw__alpha" is adamw.alpha), matched by the layout test
/// <summary>ggml-opt.h: struct ggml_opt_optimizer_params, returned by value from the optimizer-params callback.</summary>
[NativeStruct("ggml_opt_optimizer_params")]
[StructLayout(LayoutKind.Sequential)]
internal struct GgmlOptOptimizerParams
{
    public float adamw__alpha;
    public float adamw__beta1;
    public float adamw__beta2;
    public float adamw__eps;
    public float adamw__wd;
    public float sgd__alpha;
    public float sgd__wd;
}
