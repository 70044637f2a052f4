using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

#pragma warning disable IDE1006 // field names are ggml.h's, matched by name in the layout test
/// <summary>
/// ggml.h: the leading fields of struct ggml_tensor, read (never written) by the eval callback to
/// recognise a tensor by name and operation and to size the copy of its data.
/// </summary>
[NativeStruct("ggml_tensor", Prefix = true)]
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct GgmlTensor
{
    public int type;
    public IntPtr buffer;
    public fixed long ne[4];
    public fixed ulong nb[4];
    public int op;
    public fixed int op_params[16];
    public int flags;
    public fixed ulong src[10];
    public IntPtr view_src;
    public nuint view_offs;
    public IntPtr data;
    public fixed byte name[64];
}

/// <summary>ggml.h enum values the callback depends on (checked against the header by the layout test).</summary>
internal static class GgmlConstants
{
    public const int TypeF32 = 0;
    public const int TypeF16 = 1;
    public const int TypeI8 = 24;
    public const int OpRope = 48;
    public const int LogLevelNone = 0;
    public const int LogLevelDebug = 1;
    public const int LogLevelInfo = 2;
    public const int LogLevelWarn = 3;
    public const int LogLevelError = 4;
    public const int LogLevelCont = 5;
    public const int DeviceTypeCpu = 0;
    public const int DeviceTypeGpu = 1;
    public const int DeviceTypeIGpu = 2;
}
