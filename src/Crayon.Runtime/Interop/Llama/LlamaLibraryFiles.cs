namespace Crayon.Interop.Llama;

/// <summary>
/// The three shared libraries of one llama.cpp build, found in one folder. Two naming schemes exist:
/// a plain CMake build (libllama.so, libggml.so, libggml-base.so: Jetson and other self-built arm64
/// installs) and node-llama-cpp's packages (libllama.vulkan.v0.5.0.so, libggml.vulkan.v0.5.0.so).
/// Backends (libggml-vulkan.so, libggml-cpu-*.so) are not listed: ggml loads them from the same folder.
/// </summary>
public sealed record LlamaLibraryFiles(string Directory, string Llama, string Ggml, string GgmlBase)
{
    /// <summary>The files in <paramref name="directory"/>, or null when any of the three is missing.</summary>
    public static LlamaLibraryFiles? TryFind(string directory)
    {
        if (!System.IO.Directory.Exists(directory)) return null;
        var llama = FindOne(directory, "libllama");
        var ggml = FindOne(directory, "libggml");
        var ggmlBase = Path.Combine(directory, "libggml-base.so");
        if (llama is null || ggml is null || !File.Exists(ggmlBase)) return null;
        return new LlamaLibraryFiles(Path.GetFullPath(directory), llama, ggml, ggmlBase);
    }

    // "libllama.so" first; else the one "libllama.<variant>.so" (never "libllama-common.so", whose
    // name continues with '-' and which is a different library).
    private static string? FindOne(string directory, string stem)
    {
        var plain = Path.Combine(directory, stem + ".so");
        if (File.Exists(plain)) return plain;
        var variants = System.IO.Directory.GetFiles(directory, stem + ".*.so");
        Array.Sort(variants, StringComparer.Ordinal);
        return variants.Length > 0 ? variants[0] : null;
    }
}
