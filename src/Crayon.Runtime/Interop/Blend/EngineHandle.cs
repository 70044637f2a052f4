using Microsoft.Win32.SafeHandles;

namespace Crayon.Interop.Blend;

/// <summary>
/// Owns a crayon_engine. The native engine is reference-counted by its pools, so releasing this
/// handle while pools are alive is safe: the engine goes when its last pool goes.
/// </summary>
internal sealed class EngineHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public EngineHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        BlendNative.crayon_engine_destroy(handle);
        return true;
    }
}
