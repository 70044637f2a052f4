using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using Crayon.Blending;

namespace Crayon.Interop.Blend;

/// <summary>
/// The landed callback of one crayon_blend_to_image call (ABI 3): hands each report of landed chunks to a managed
/// action, on the thread that made the call. An exception never crosses the native frame: it is kept, the native side is told to stop, and
/// <see cref="NativePool.BlendToImage"/> rethrows it once the native call has returned and the device is idle.
/// </summary>
internal sealed unsafe class ImageLanding : IDisposable
{
    private readonly Action<LandedChunk> _landed;
    private GCHandle _self;
    private ExceptionDispatchInfo? _failure;

    public ImageLanding(Action<LandedChunk> landed)
    {
        _landed = landed;
        _self = GCHandle.Alloc(this);
    }

    public void* User => (void*)GCHandle.ToIntPtr(_self);

    public static delegate* unmanaged<void*, NativeImageChunk*, int> Callback => &OnLanded;

    /// <summary>Rethrows, with its own stack trace, what the action threw; nothing when it did not throw.</summary>
    public void RethrowFailure() => _failure?.Throw();

    [UnmanagedCallersOnly]
    private static int OnLanded(void* user, NativeImageChunk* chunk)
    {
        ImageLanding? self = null;
        try
        {
            self = (ImageLanding)GCHandle.FromIntPtr((IntPtr)user).Target!;
            var tensors = new int[chunk->TensorCount];
            for (var i = 0; i < tensors.Length; i++) tensors[i] = (int)chunk->Tensors[i];
            self._landed(new LandedChunk((int)chunk->FirstChunk, (int)chunk->Chunks, (int)chunk->ChunkCount, (long)chunk->Offset, (long)chunk->Bytes, tensors));
            return 0;
        }
        catch (Exception exception)
        {
            if (self is not null) self._failure = ExceptionDispatchInfo.Capture(exception);
            return 1;
        }
    }

    public void Dispose()
    {
        if (_self.IsAllocated) _self.Free();
    }
}
