namespace Crayon;

/// <summary>
/// Where the shared data (models, adapters, QA sets) lives: $CRAYON_DATA, else ../shared/data
/// beside the repository checkout. The data is read in place and never copied into the repo.
/// </summary>
public static class DataDirectory
{
    public const string EnvironmentVariable = "CRAYON_DATA";

    public static string Resolve()
    {
        var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
        var repo = RepositoryRoot.Find();
        return Path.GetFullPath(Path.Combine(repo ?? Directory.GetCurrentDirectory(), "..", "shared", "data"));
    }

    /// <summary>A path inside the data directory, e.g. File("models/stories260K.bin").</summary>
    public static string File(string relative) => Path.Combine(Resolve(), relative);
}

/// <summary>Finds the checkout (the folder holding Crayon.sln) above the running binary or the working directory.</summary>
public static class RepositoryRoot
{
    public static string? Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (System.IO.File.Exists(Path.Combine(dir.FullName, "Crayon.sln"))) return dir.FullName;
        }
        return null;
    }
}
