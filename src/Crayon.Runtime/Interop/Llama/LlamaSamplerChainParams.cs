using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

#pragma warning disable IDE1006 // field names are llama.h's, matched by name in the layout test
/// <summary>llama.h: struct llama_sampler_chain_params.</summary>
[NativeStruct("llama_sampler_chain_params")]
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaSamplerChainParams
{
    public byte no_perf;
}
