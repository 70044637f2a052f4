using Crayon.Interop.Llama;

namespace Crayon.Llama;

public sealed partial class LlamaContext
{
    /// <summary>The adapter set this context computes with.</summary>
    public AdapterSet Adapters { get; private set; }

    /// <summary>
    /// Makes <paramref name="adapters"/> the context's set (llama_set_adapters_lora). The context holds
    /// references on the set's adapters until another set replaces it. Cached tokens are dropped when
    /// the set changes, since they were computed with the old weights.
    /// </summary>
    public void ApplyAdapters(AdapterSet adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        using var _ = Enter();
        ApplyAdaptersCore(adapters);
    }

    private unsafe void ApplyAdaptersCore(AdapterSet adapters)
    {
        if (ReferenceEquals(adapters, Adapters)) return;
        foreach (var (adapter, _) in adapters.Entries)
            if (!ReferenceEquals(adapter.Model, Model))
                throw new ArgumentException($"adapter '{adapter.Name}' was loaded for model '{adapter.Model.Name}', not for '{Model.Name}'");
        adapters.AddReferences();
        var count = adapters.Entries.Count;
        var pointers = stackalloc IntPtr[Math.Max(1, count)];
        var scales = stackalloc float[Math.Max(1, count)];
        for (var i = 0; i < count; i++)
        {
            pointers[i] = adapters.Entries[i].Adapter.NativePointer;
            scales[i] = adapters.Entries[i].Scale;
        }
        LlamaApi.llama_set_adapters_lora(_handle, count == 0 ? null : pointers, (nuint)count, count == 0 ? null : scales);
        var previous = Adapters;
        Adapters = adapters;
        previous?.ReleaseReferences();
        ClearMemory();
    }
}
