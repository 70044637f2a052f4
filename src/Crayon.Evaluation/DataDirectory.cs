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
