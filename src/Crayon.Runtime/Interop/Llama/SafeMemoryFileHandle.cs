using System.Buffers;
using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>
/// A read-only C FILE* over bytes in memory (fmemopen): how a GGUF image reaches llama.cpp's
/// *_from_file_ptr loaders without a file on disk. The bytes stay pinned until the FILE is closed.
/// </summary>
internal sealed class SafeMemoryFileHandle : SafeHandle
{
    private MemoryHandle _pin;

    public SafeMemoryFileHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public static unsafe SafeMemoryFileHandle Open(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty) throw new ArgumentException("cannot open an empty GGUF image", nameof(bytes));
        var pin = bytes.Pin();
        var file = LibC.fmemopen(pin.Pointer, (nuint)bytes.Length, "rb");
        if (file == IntPtr.Zero)
        {
            var errno = Marshal.GetLastPInvokeError();
            pin.Dispose();
            throw new IOException($"fmemopen over {bytes.Length} bytes failed (errno {errno})");
        }
        var result = new SafeMemoryFileHandle { _pin = pin };
        result.SetHandle(file);
        return result;
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        LibC.fclose(handle);
        _pin.Dispose();
        return true;
    }
}
