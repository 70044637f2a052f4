namespace Crayon;

/// <summary>
/// Crayon's local state (never committed): .crayon/ beside the checkout, or $CRAYON_HOME. Holds the imported
/// default model (models/) and cached pools and oracle adapters keyed by model fingerprint and settings (cache/).
/// </summary>
public static class CrayonFolders
{
    public const string EnvironmentVariable = "CRAYON_HOME";

    public static string Root
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
            return Path.Combine(RepositoryRoot.Find() ?? Directory.GetCurrentDirectory(), ".crayon");
        }
    }

    public static string Cache => Path.Combine(Root, "cache");

    public static string Models => Path.Combine(Root, "models");
}
