using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>A llama.cpp sampler chain built from <see cref="SamplingOptions"/>; one per generation.</summary>
internal sealed class LlamaSampler : IDisposable
{
    private const uint RandomSeed = 0xFFFFFFFF; // LLAMA_DEFAULT_SEED

    private readonly SafeLlamaSamplerHandle _chain;

    public LlamaSampler(SamplingOptions options)
    {
        options.Validate();
        _chain = SafeLlamaSamplerHandle.CreateChain();
        if (options.IsGreedy || options.Temperature == 0)
        {
            _chain.Add(LlamaApi.llama_sampler_init_greedy());
            return;
        }
        if (options.TopK > 0) _chain.Add(LlamaApi.llama_sampler_init_top_k(options.TopK));
        if (options.TopP < 1) _chain.Add(LlamaApi.llama_sampler_init_top_p(options.TopP, 1));
        if (options.MinP > 0) _chain.Add(LlamaApi.llama_sampler_init_min_p(options.MinP, 1));
        _chain.Add(LlamaApi.llama_sampler_init_temp(options.Temperature));
        _chain.Add(LlamaApi.llama_sampler_init_dist(options.Seed ?? RandomSeed));
    }

    /// <summary>Samples from the last decode's final output and records the choice in the chain.</summary>
    public int Sample(LlamaContext context) => LlamaApi.llama_sampler_sample(_chain, context.Handle, -1);

    public void Dispose() => _chain.Dispose();
}
