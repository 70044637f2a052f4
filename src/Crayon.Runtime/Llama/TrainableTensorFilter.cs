using System.Runtime.InteropServices;

using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// llama_opt_init's param_filter: asks a managed predicate which of the model's F32 tensors to train,
/// and remembers the ones it accepted, so the trained values can be read back from memory. The
/// callback never throws into native code.
/// </summary>
internal sealed unsafe class TrainableTensorFilter : IDisposable
{
    // llama_opt_init skips these after asking the filter (its FIXMEs); they must not be reported as trained.
    private static readonly HashSet<string> NeverTrained = new(StringComparer.Ordinal) { "token_embd.weight", "rope_freqs.weight" };

    private readonly Func<string, bool> _accept;
    private GCHandle _self;

    public TrainableTensorFilter(Func<string, bool> accept)
    {
        _accept = accept;
        _self = GCHandle.Alloc(this);
    }

    public IntPtr UserData => GCHandle.ToIntPtr(_self);

    public static delegate* unmanaged<GgmlTensor*, IntPtr, byte> Callback => &OnFilter;

    /// <summary>An exception the predicate threw (the tensor was then not trained).</summary>
    public Exception? Error { get; private set; }

    /// <summary>The tensors marked trainable, in the order llama.cpp offered them.</summary>
    public List<NativeTensor> Accepted { get; } = [];

    [UnmanagedCallersOnly]
    private static byte OnFilter(GgmlTensor* tensor, IntPtr userData)
    {
        var filter = (TrainableTensorFilter)GCHandle.FromIntPtr(userData).Target!;
        try
        {
            var native = new NativeTensor((IntPtr)tensor);
            var name = native.Name;
            if (!filter._accept(name)) return 0;
            if (!NeverTrained.Contains(name)) filter.Accepted.Add(native);
            return 1;
        }
        catch (Exception e)
        {
            filter.Error ??= e;
            return 0;
        }
    }

    public void Dispose()
    {
        if (_self.IsAllocated) _self.Free();
    }
}
