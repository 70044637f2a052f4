using System.Runtime.InteropServices;

namespace Crayon.Interop.Blend;

/// <summary>
/// Finds libcrayon_blend.so: $CRAYON_NATIVE_DIR, the application's native asset folders (beside it, its
/// runtimes/&lt;rid&gt;/native where the Crayon.Runtime package puts it: <see cref="NativeAssetFolders"/>), or in the
/// checkout's artifacts/native (where scripts/setup.sh installs it).
/// </summary>
internal static class BlendLibrary
{
    public const string Name = "crayon_blend";
    public const string FileName = "libcrayon_blend.so";
    public const string DirectoryVariable = "CRAYON_NATIVE_DIR";

    private static readonly Lazy<IntPtr> Handle = new(Load);

    public static void Register() => NativeLibraryResolver.Register(Name, () => Handle.Value);

    public static IReadOnlyList<string> Candidates()
    {
        var candidates = new List<string>();
        var fromEnvironment = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) candidates.Add(Path.Combine(fromEnvironment, FileName));
        candidates.AddRange(NativeAssetFolders.OfApplication().Select(folder => Path.Combine(folder, FileName)));
        var repository = RepositoryRoot.Find();
        if (repository is not null) candidates.Add(Path.Combine(repository, "artifacts", "native", FileName));
        return candidates;
    }

    private static IntPtr Load()
    {
        var candidates = Candidates();
        foreach (var path in candidates)
            if (File.Exists(path)) return NativeLibrary.Load(path);
        throw new DllNotFoundException(
            $"{FileName} not found (looked at {string.Join(", ", candidates)}); build it with ./scripts/setup.sh or set {DirectoryVariable}");
    }
}
