using System.Runtime.InteropServices;

namespace Crayon.Interop;

/// <summary>
/// The folders where an application's own native files lie, in the order the loaders search them: the application
/// folder (a RID-specific build or publish flattens NuGet's native assets there), its runtimes/&lt;rid&gt;/native
/// (a portable build of an app restored from the Crayon.Runtime and Crayon.LlamaCpp.* packages keeps them there),
/// then the folders the .NET host itself resolved native assets to (NATIVE_DLL_SEARCH_DIRECTORIES).
/// </summary>
internal static class NativeAssetFolders
{
    /// <summary>The folders, de-duplicated, each a full path; none need exist.</summary>
    public static IReadOnlyList<string> OfApplication()
    {
        var folders = new List<string>();
        void Add(string folder)
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
            if (!folders.Contains(full, StringComparer.Ordinal)) folders.Add(full);
        }
        var application = AppContext.BaseDirectory;
        Add(application);
        foreach (var rid in RuntimeIdentifiers()) Add(Path.Combine(application, "runtimes", rid, "native"));
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string resolved)
            foreach (var folder in resolved.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                Add(folder);
        return folders;
    }

    // The process's own RID first (linux-x64, or a distro-specific one on a source-built .NET), then the portable one.
    private static IEnumerable<string> RuntimeIdentifiers()
    {
        yield return RuntimeInformation.RuntimeIdentifier;
        var architecture = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        if (OperatingSystem.IsLinux()) yield return $"linux-{architecture}";
    }
}
