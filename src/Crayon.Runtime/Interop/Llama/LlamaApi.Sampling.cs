using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

internal static partial class LlamaApi
{
    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial LlamaSamplerChainParams llama_sampler_chain_default_params();

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_sampler_chain_init(LlamaSamplerChainParams parameters);

    /// <summary>The chain takes ownership of <paramref name="sampler"/>.</summary>
    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_sampler_chain_add(SafeLlamaSamplerHandle chain, IntPtr sampler);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial void llama_sampler_free(IntPtr sampler);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_sampler_init_greedy();

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_sampler_init_dist(uint seed);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_sampler_init_top_k(int k);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_sampler_init_top_p(float p, nuint minKeep);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_sampler_init_min_p(float p, nuint minKeep);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial IntPtr llama_sampler_init_temp(float temperature);

    [LibraryImport(NativeLibraryNames.Llama)]
    public static partial int llama_sampler_sample(SafeLlamaSamplerHandle sampler, SafeLlamaContextHandle context, int index);
}
