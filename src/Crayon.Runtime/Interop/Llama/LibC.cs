using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>libc: a FILE* over memory for llama.cpp's *_from_file_ptr loaders, and setenv for ggml's settings.</summary>
internal static partial class LibC
{
    [LibraryImport(NativeLibraryNames.LibC, StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    public static unsafe partial IntPtr fmemopen(void* buffer, nuint size, string mode);

    [LibraryImport(NativeLibraryNames.LibC)]
    public static partial int fclose(IntPtr file);

    /// <summary>
    /// .NET's Environment.SetEnvironmentVariable does not reach native getenv on Unix; ggml reads
    /// GGML_VK_VISIBLE_DEVICES with getenv, so it must be set here, before the backends load.
    /// </summary>
    [LibraryImport(NativeLibraryNames.LibC, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int setenv(string name, string value, int overwrite);
}
