using NUnit.Framework;

namespace Crayon.Tests.Support;

/// <summary>
/// Access to ../shared/data for tests. Outside this workplace a missing file skips the test with a
/// message; in CI (CI=true) a missing file fails it, so a green CI never hides absent data.
/// </summary>
public static class TestData
{
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Returns the full path of a data file, or skips/fails the test when it is absent.</summary>
    public static string Require(string relative)
    {
        var path = DataDirectory.File(relative);
        if (File.Exists(path) || Directory.Exists(path)) return path;
        var message = $"shared data '{relative}' not found at {path} (set {DataDirectory.EnvironmentVariable} to the data folder)";
        if (InCi) Assert.Fail(message);
        Assert.Ignore(message);
        return path; // unreachable: Assert.Fail/Ignore throw
    }
}
