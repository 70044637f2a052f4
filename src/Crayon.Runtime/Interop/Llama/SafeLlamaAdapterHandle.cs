using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>
/// Owns a llama_adapter_lora. Keeps its model alive: llama.cpp frees an adapter's memory with its
/// model, so freeing the model first would double-free. Load and free take the model's adapter
/// registry lock for writing (see <see cref="SafeLlamaModelHandle.AdapterRegistryLock"/>).
/// </summary>
internal sealed class SafeLlamaAdapterHandle : SafeHandle
{
    private SafeLlamaModelHandle? _model;

    public SafeLlamaAdapterHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    /// <summary>Runs <paramref name="load"/> (a llama_adapter_lora_init* call) and owns its result; null when it failed.</summary>
    public static SafeLlamaAdapterHandle? Load(SafeLlamaModelHandle model, Func<SafeLlamaModelHandle, IntPtr> load)
    {
        var added = false;
        model.DangerousAddRef(ref added);
        IntPtr adapter;
        model.AdapterRegistryLock.EnterWriteLock();
        try { adapter = load(model); }
        finally { model.AdapterRegistryLock.ExitWriteLock(); }
        if (adapter == IntPtr.Zero)
        {
            model.DangerousRelease();
            return null;
        }
        var result = new SafeLlamaAdapterHandle { _model = model };
        result.SetHandle(adapter);
        return result;
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        var model = _model!;
        model.AdapterRegistryLock.EnterWriteLock();
        try { LlamaApi.llama_adapter_lora_free(handle); }
        finally { model.AdapterRegistryLock.ExitWriteLock(); }
        model.DangerousRelease();
        return true;
    }
}
