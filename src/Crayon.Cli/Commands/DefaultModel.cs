using Crayon.Importers.Llama2c;

namespace Crayon.Cli.Commands;

/// <summary>
/// The model commands fall back to when none is named: the shared stories260K (llama2.c), imported to a
/// GGUF file in the temp folder (a file, so that its fingerprint can be taken and a server can load it).
/// </summary>
internal static class DefaultModel
{
    public static string Stories260K()
    {
        var path = Path.Combine(Path.GetTempPath(), $"crayon-stories260K-{Environment.ProcessId}.gguf");
        Llama2cImporter.Import(DataDirectory.File("models/stories260K.bin"), DataDirectory.File("models/tok512.bin"), path,
            new Llama2cImportOptions(Name: "stories260K"));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(path);
        return path;
    }
}
