using Crayon.Importers.Llama2c;

namespace Crayon.Models;

/// <summary>
/// The model Crayon runs when none is named: stories260K (shared data: models/stories260K.bin + tok512.bin),
/// imported once to an F32 GGUF under <see cref="CrayonFolders.Models"/> and reused.
/// </summary>
public static class DefaultModel
{
    public const string FileName = "stories260K.gguf";

    /// <summary>The same weights with output.weight written as its own tensor (a fine-tune can then train it apart from the embedding).</summary>
    public const string UntiedFileName = "stories260K-untied.gguf";

    /// <summary>The imported model's path, importing it first when absent.</summary>
    /// <exception cref="FileNotFoundException">the shared data lacks the checkpoint or tokenizer.</exception>
    public static string EnsureImported(string? folder = null) => Ensure(folder, FileName, untied: false);

    /// <summary>The untied import's path (the server model's starting point), importing it first when absent.</summary>
    public static string EnsureUntied(string? folder = null) => Ensure(folder, UntiedFileName, untied: true);

    private static string Ensure(string? folder, string fileName, bool untied)
    {
        folder ??= CrayonFolders.Models;
        var path = Path.Combine(folder, fileName);
        if (File.Exists(path)) return path;
        var checkpoint = DataDirectory.File("models/stories260K.bin");
        var tokenizer = DataDirectory.File("models/tok512.bin");
        foreach (var required in new[] { checkpoint, tokenizer })
            if (!File.Exists(required))
                throw new FileNotFoundException($"the default model needs {required} (set {DataDirectory.EnvironmentVariable} to the shared data folder), or name a model with --model", required);
        Directory.CreateDirectory(folder);
        Formats.AtomicFile.Write(path, Llama2cImporter.ImportToBytes(checkpoint, tokenizer, new Llama2cImportOptions(WriteOutputTensor: untied)));
        return path;
    }
}
