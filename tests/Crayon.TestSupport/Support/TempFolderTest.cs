using NUnit.Framework;

namespace Crayon.Tests.Support;

/// <summary>Base for tests that write files: a fresh temporary folder per test, deleted afterwards.</summary>
public abstract class TempFolderTest
{
    protected DirectoryInfo TempFolder { get; private set; } = null!;

    /// <summary>A path inside this test's folder.</summary>
    protected string PathIn(string name) => Path.Combine(TempFolder.FullName, name);

    [SetUp]
    public void CreateTempFolder() => TempFolder = Directory.CreateTempSubdirectory("crayon-test-");

    [TearDown]
    public void DeleteTempFolder() => TempFolder.Delete(recursive: true);
}
