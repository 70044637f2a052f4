using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace Crayon.Interop;

/// <summary>
/// The one DllImport resolver of this assembly (.NET allows a single resolver per assembly):
/// each native library registers how to find itself, by the name its [LibraryImport]s use.
/// </summary>
internal static class NativeLibraryResolver
{
    private static readonly ConcurrentDictionary<string, Func<IntPtr>> Loaders = new(StringComparer.Ordinal);
    private static int installed;

    /// <summary>Registers <paramref name="load"/> for <paramref name="libraryName"/>; it returns a handle or throws.</summary>
    public static void Register(string libraryName, Func<IntPtr> load)
    {
        Loaders[libraryName] = load;
        if (Interlocked.Exchange(ref installed, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        Loaders.TryGetValue(libraryName, out var load) ? load() : IntPtr.Zero;
}
