using Crayon.Interop;
using Crayon.Interop.Blend;
using NUnit.Framework;

namespace Crayon.Tests.Interop;

/// <summary>
/// The documented search order (README, "C# hosts") for the natives of an app: its own folder, then its
/// runtimes/&lt;rid&gt;/native, where NuGet puts the packages' natives in a portable build; the checkout comes last.
/// (RuntimePackageTests shows a restored app loading both from there with no variables set.)
/// </summary>
public class NativeAssetFoldersTests
{
    [Test]
    public void TheApplicationFolderComesFirstThenItsRuntimeNativeFolder()
    {
        var folders = NativeAssetFolders.OfApplication().ToList();
        var application = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);

        Assert.That(folders[0], Is.EqualTo(application));
        Assert.That(folders, Does.Contain(Path.Combine(application, "runtimes", "linux-x64", "native")));
        Assert.That(folders.IndexOf(Path.Combine(application, "runtimes", "linux-x64", "native")), Is.GreaterThan(0));
        Assert.That(folders, Is.Unique);
    }

    [Test]
    public void TheBlendPluginIsLookedForInTheAppFoldersBeforeTheCheckout()
    {
        var candidates = BlendLibrary.Candidates().ToList();
        var checkout = Path.Combine(RepositoryRoot.Find()!, "artifacts", "native", BlendLibrary.FileName);
        var packaged = Path.Combine(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory), "runtimes", "linux-x64", "native", BlendLibrary.FileName);

        Assert.That(candidates, Does.Contain(packaged).And.Contain(checkout));
        Assert.That(candidates.IndexOf(packaged), Is.LessThan(candidates.LastIndexOf(checkout)));
    }
}
