using System.Runtime.InteropServices;

using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// Finds the factors of the adapters applied to a context: llama.h offers no way to reach an
/// adapter's tensors, but the graph reaches them. This cb_eval callback looks at the sources of every
/// node scheduled in a decode and keeps those named "*.lora_a" / "*.lora_b" (llama.cpp names the
/// factors as in the GGUF). It never asks to observe a node, so the graph runs unsplit. Discovery
/// runs in a throwaway context: the factors belong to the adapter and outlive it.
/// </summary>
internal sealed unsafe class LoraTensorDiscovery : IDisposable
{
    private readonly Dictionary<string, NativeTensor> _found = new(StringComparer.Ordinal);
    private GCHandle _self;

    private LoraTensorDiscovery() => _self = GCHandle.Alloc(this);

    /// <summary>The factors of <paramref name="adapter"/> that one decode on <paramref name="model"/> uses, ordered by name.</summary>
    public static IReadOnlyList<NativeTensor> Find(SafeLlamaModelHandle model, IntPtr adapter)
    {
        using var discovery = new LoraTensorDiscovery();
        var parameters = LlamaApi.llama_context_default_params();
        parameters.n_ctx = 256;
        parameters.n_batch = 1;
        parameters.n_ubatch = 1;
        parameters.n_seq_max = 1;
        parameters.n_threads = 1;
        parameters.n_threads_batch = 1;
        parameters.no_perf = 1;
        parameters.cb_eval = &OnEval;
        parameters.cb_eval_user_data = GCHandle.ToIntPtr(discovery._self);
        using var context = SafeLlamaContextHandle.Create(model, parameters);
        var scale = 1f;
        if (LlamaApi.llama_set_adapters_lora(context, &adapter, 1, &scale) != 0)
            throw new LlamaNativeException("llama.cpp could not apply the adapter being trained");
        using var batch = new NativeBatch(1);
        batch.Add(0, 0, output: true);
        var status = LlamaApi.llama_decode(context, batch.ToNative());
        if (status != 0) throw new LlamaNativeException($"llama_decode failed with status {status} while locating the adapter's tensors");
        return discovery._found.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => f.Value).ToArray();
    }

    [UnmanagedCallersOnly]
    private static byte OnEval(IntPtr node, byte ask, IntPtr userData)
    {
        try
        {
            var discovery = (LoraTensorDiscovery)GCHandle.FromIntPtr(userData).Target!;
            var tensor = (GgmlTensor*)node;
            for (var i = 0; i < 10; i++)
            {
                var source = (IntPtr)tensor->src[i];
                if (source == IntPtr.Zero) continue;
                var name = new NativeTensor(source).Name;
                if (name.EndsWith(".lora_a", StringComparison.Ordinal) || name.EndsWith(".lora_b", StringComparison.Ordinal))
                    discovery._found.TryAdd(name, new NativeTensor(source));
            }
        }
        catch
        {
            // never throw into native code; a factor missed here is reported by the caller
        }
        return 0;
    }

    public void Dispose()
    {
        if (_self.IsAllocated) _self.Free();
    }
}
