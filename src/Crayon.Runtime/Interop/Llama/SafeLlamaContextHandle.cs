using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>Owns a llama_context; keeps its model alive until the context is freed.</summary>
internal sealed class SafeLlamaContextHandle : SafeHandle
{
    private SafeLlamaModelHandle? _model;

    public SafeLlamaContextHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public static SafeLlamaContextHandle Create(SafeLlamaModelHandle model, LlamaContextParams parameters)
    {
        var added = false;
        model.DangerousAddRef(ref added);
        IntPtr context;
        model.AdapterRegistryLock.EnterReadLock();
        try { context = LlamaApi.llama_init_from_model(model, parameters); }
        finally { model.AdapterRegistryLock.ExitReadLock(); }
        if (context == IntPtr.Zero)
        {
            model.DangerousRelease();
            throw new LlamaNativeException("llama.cpp could not create a context (llama_init_from_model returned NULL; see the log for the reason)");
        }
        var result = new SafeLlamaContextHandle { _model = model };
        result.SetHandle(context);
        return result;
    }

    public SafeLlamaModelHandle Model => _model ?? throw new ObjectDisposedException(nameof(SafeLlamaContextHandle));

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        LlamaApi.llama_free(handle);
        _model?.DangerousRelease();
        return true;
    }
}
