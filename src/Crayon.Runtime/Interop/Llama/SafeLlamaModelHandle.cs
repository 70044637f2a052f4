using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>
/// Owns a llama_model. Contexts and adapters hold a reference to it (DangerousAddRef), so the model is
/// freed only after the last of them.
/// </summary>
internal sealed class SafeLlamaModelHandle : SafeHandle
{
    public SafeLlamaModelHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public SafeLlamaModelHandle(IntPtr model) : this() => SetHandle(model);

    /// <summary>
    /// llama.cpp keeps every loaded adapter of a model in one std::set (model.loras) that adapter
    /// load/free write and every context's graph reservation reads (llama_decode, context creation).
    /// Those readers hold this lock for reading, adapter load/free for writing.
    /// </summary>
    public ReaderWriterLockSlim AdapterRegistryLock { get; } = new(LockRecursionPolicy.SupportsRecursion);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        LlamaApi.llama_model_free(handle);
        return true;
    }
}
