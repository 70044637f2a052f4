using Microsoft.Win32.SafeHandles;

namespace Crayon.Interop.Blend;

/// <summary>Owns a crayon_pool (its device buffers and the reference it holds on its engine).</summary>
internal sealed class PoolHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public PoolHandle() : base(ownsHandle: true) { }

    protected override bool ReleaseHandle()
    {
        BlendNative.crayon_pool_destroy(handle);
        return true;
    }
}
