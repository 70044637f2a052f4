using NUnit.Framework;

namespace Crayon.Tests.Support;

/// <summary>
/// Access to ../shared/data for tests. Outside this workplace a missing file skips the test with a
/// message; in CI (CI=true) a missing file fails it, so a green CI never hides absent data.
/// </summary>
public static class TestData
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The variable that moves the data folder (the evaluation assembly's DataDirectory reads the same one).</summary>
    public const string EnvironmentVariable = "CRAYON_DATA";

    /// <summary>
    /// $CRAYON_DATA, else ../shared/data beside the checkout: the rule of Crayon.DataDirectory, which lives in the
    /// evaluation assembly that the runtime tests must not reference (Evaluation.Tests' TestDataTests checks they agree).
    /// </summary>
    public static string Folder
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
            return Path.GetFullPath(Path.Combine(RepositoryRoot.Find() ?? Directory.GetCurrentDirectory(), "..", "shared", "data"));
        }
    }

    /// <summary>Returns the full path of a data file, or skips/fails the test when it is absent.</summary>
    public static string Require(string relative)
    {
        var path = Path.Combine(Folder, relative);
        if (File.Exists(path) || Directory.Exists(path)) return path;
        var message = $"shared data '{relative}' not found at {path} (set {EnvironmentVariable} to the data folder)";
        if (InCi) Assert.Fail(message);
        Assert.Ignore(message);
        return path; // unreachable: Assert.Fail/Ignore throw
    }
}
