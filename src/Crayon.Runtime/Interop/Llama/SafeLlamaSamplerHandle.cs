using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>Owns a llama_sampler chain (which owns the samplers added to it).</summary>
internal sealed class SafeLlamaSamplerHandle : SafeHandle
{
    public SafeLlamaSamplerHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public static SafeLlamaSamplerHandle CreateChain()
    {
        var chain = LlamaApi.llama_sampler_chain_init(new LlamaSamplerChainParams { no_perf = 1 });
        if (chain == IntPtr.Zero) throw new LlamaNativeException("llama.cpp could not create a sampler chain");
        var result = new SafeLlamaSamplerHandle();
        result.SetHandle(chain);
        return result;
    }

    /// <summary>Adds a sampler made by a llama_sampler_init_* call; the chain frees it.</summary>
    public void Add(IntPtr sampler)
    {
        if (sampler == IntPtr.Zero) throw new LlamaNativeException("llama.cpp could not create a sampler");
        LlamaApi.llama_sampler_chain_add(this, sampler);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        LlamaApi.llama_sampler_free(handle);
        return true;
    }
}
