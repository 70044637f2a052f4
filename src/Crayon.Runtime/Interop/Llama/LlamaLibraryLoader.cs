using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Crayon.Interop.Llama;

/// <summary>
/// Finds and loads one llama.cpp build per process, and answers the runtime's requests for the
/// names in <see cref="NativeLibraryNames"/> with it. Where the build comes from, first match wins:
/// an explicit folder (the host option), $CRAYON_LLAMA_LIB_DIR, a "llama" folder beside the
/// application (the .NET tool), the application's native asset folders (<see cref="NativeAssetFolders"/>:
/// where the Crayon.LlamaCpp.* package's files land in a consumer app), then the checkout's
/// .deps/llama/linux-x64-vulkan (scripts/setup.sh fills it).
/// </summary>
internal static class LlamaLibraryLoader
{
    public const string EnvironmentVariable = "CRAYON_LLAMA_LIB_DIR";

    private static readonly Lock Gate = new();
    private static LoadedLibraries? _loaded;

    private sealed record LoadedLibraries(LlamaLibraryFiles Files, IntPtr Llama, IntPtr Ggml, IntPtr GgmlBase, IntPtr LibC);

    /// <summary>The loaded build; loads it from <paramref name="directory"/> (or the default search) on first use.</summary>
    public static LlamaLibraryFiles EnsureLoaded(string? directory)
    {
        lock (Gate)
        {
            if (_loaded is not null)
            {
                if (directory is not null && !SameDirectory(directory, _loaded.Files.Directory))
                    throw new InvalidOperationException(
                        $"llama.cpp is already loaded from {_loaded.Files.Directory}; a process can use one llama.cpp build only (asked for {directory})");
                return _loaded.Files;
            }
            var files = Locate(directory);
            // Dependency order, by full path: a self-built libllama.so need not carry a RUNPATH to its libggml.
            var ggmlBase = Load(files.GgmlBase);
            var ggml = Load(files.Ggml);
            var llama = Load(files.Llama);
            RequireApi(files, llama, ggml);
            var libc = NativeLibrary.Load("libc.so.6");
            _loaded = new LoadedLibraries(files, llama, ggml, ggmlBase, libc);
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
            return files;
        }
    }

    public static LlamaLibraryFiles Locate(string? directory)
    {
        var searched = new List<string>();
        foreach (var candidate in Candidates(directory))
        {
            searched.Add(candidate);
            if (LlamaLibraryFiles.TryFind(candidate) is { } files) return files;
            // An explicit choice is final: never fall back silently to another build.
            if (directory is not null || candidate == Environment.GetEnvironmentVariable(EnvironmentVariable)) break;
        }
        throw new LlamaLibraryNotFoundException(
            $"llama.cpp libraries not found (need libllama*.so, libggml*.so and libggml-base.so) in: {string.Join(", ", searched)}. " +
            $"Set {EnvironmentVariable} to the folder of a llama.cpp {LlamaBuild.Release} build, or run ./scripts/setup.sh to fetch the pinned one");
    }

    private static IEnumerable<string> Candidates(string? directory)
    {
        if (directory is not null) { yield return Path.GetFullPath(directory); yield break; }
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) { yield return fromEnv; yield break; }
        yield return Path.Combine(AppContext.BaseDirectory, "llama");
        foreach (var folder in NativeAssetFolders.OfApplication()) yield return folder;
        if (RepositoryRoot.Find() is { } repo) yield return Path.Combine(repo, ".deps", "llama", "linux-x64-vulkan");
    }

    private static IntPtr Load(string path)
    {
        try { return NativeLibrary.Load(path); }
        catch (DllNotFoundException e)
        {
            throw new LlamaLibraryNotFoundException($"could not load {path}: {e.Message}", e);
        }
    }

    // Functions of the v0.5.0 API that older builds lack: without them a user's own build fails here, by name,
    // instead of at the first call that needs one.
    private static readonly string[] RequiredLlama = ["llama_set_adapters_lora", "llama_adapter_lora_init_from_file_ptr", "llama_model_load_from_file_ptr", "llama_model_n_head_kv"];
    private static readonly string[] RequiredGgml = ["ggml_backend_load_all_from_path", "ggml_backend_dev_count"];

    private static void RequireApi(LlamaLibraryFiles files, IntPtr llama, IntPtr ggml)
    {
        var missing = RequiredLlama.Where(f => !NativeLibrary.TryGetExport(llama, f, out _)).Select(f => $"{Path.GetFileName(files.Llama)}: {f}")
            .Concat(RequiredGgml.Where(f => !NativeLibrary.TryGetExport(ggml, f, out _)).Select(f => $"{Path.GetFileName(files.Ggml)}: {f}"))
            .ToList();
        if (missing.Count > 0)
            throw new LlamaLibraryNotFoundException(
                $"the llama.cpp build in {files.Directory} lacks {string.Join(", ", missing)}; Crayon needs the API of llama.cpp {LlamaBuild.Release} " +
                $"(set {EnvironmentVariable} to such a build)");
    }

    private static IntPtr Resolve(Assembly assembly, string name)
    {
        var loaded = _loaded;
        if (loaded is null || assembly != typeof(LlamaLibraryLoader).Assembly) return IntPtr.Zero;
        return name switch
        {
            NativeLibraryNames.Llama => loaded.Llama,
            NativeLibraryNames.Ggml => loaded.Ggml,
            NativeLibraryNames.GgmlBase => loaded.GgmlBase,
            NativeLibraryNames.LibC => loaded.LibC,
            _ => IntPtr.Zero,
        };
    }

    private static bool SameDirectory(string a, string b) =>
        string.Equals(Path.GetFullPath(a).TrimEnd('/'), Path.GetFullPath(b).TrimEnd('/'), StringComparison.Ordinal);
}
