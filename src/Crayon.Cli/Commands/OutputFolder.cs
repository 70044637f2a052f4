namespace Crayon.Cli.Commands;

/// <summary>
/// Checks where a command will write before it does the work: a missing folder found only after minutes of
/// embedding or training would lose that work, and the writer's error would name its temporary file.
/// </summary>
internal static class OutputFolder
{
    public static void EnsureExists(string outputPath, string option)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (folder is not null && !Directory.Exists(folder))
            throw new DirectoryNotFoundException($"{option} {outputPath}: the folder {folder} does not exist");
        if (Directory.Exists(outputPath))
            throw new IOException($"{option} {outputPath} is a folder; name the file to write");
    }
}
