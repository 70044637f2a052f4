using System.IO.Compression;
using System.Xml.Linq;
using Crayon.Tests.Pool;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Packaging;

/// <summary>
/// The NuGet route for C# hosts: `dotnet pack` of Crayon.Runtime and of its llama.cpp companion into a local folder
/// feed; the packages' contents and metadata; then a fresh console app outside the checkout restores Crayon.Runtime
/// from that feed, builds, and runs with no CRAYON_* variables: it customizes from text lines on stories260K and the
/// tiny pool, and loads both llama.cpp and libcrayon_blend.so from its own runtimes/linux-x64/native.
/// </summary>
[NonParallelizable]
public class RuntimePackageTests : TempFolderTest
{
    private const string Companion = "Crayon.LlamaCpp.Vulkan.linux-x64";
    private const string Native = "runtimes/linux-x64/native/";

    // A version no earlier run put in any cache: the app must restore exactly the packages packed here.
    private static readonly string Version = $"0.1.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";

    [Test]
    public void AConsoleAppRestoredFromTheLocalFeedCustomizesWithNoEnvironmentVariables()
    {
        var root = RepositoryRoot.Find()!;
        var feed = Directory.CreateDirectory(PathIn("feed")).FullName;
        Pack(root, Path.Combine("src", "Crayon.Runtime", "Crayon.Runtime.csproj"), feed);
        Pack(root, Path.Combine("packaging", Companion, Companion + ".csproj"), feed);

        CheckRuntimePackage(Path.Combine(feed, $"Crayon.Runtime.{Version}.nupkg"));
        CheckCompanionPackage(Path.Combine(feed, $"{Companion}.{Version}.nupkg"));

        var app = PathIn("app");
        var globalPackages = ChildProcess.Run("dotnet", TempFolder.FullName, ["nuget", "locals", "global-packages", "--list"]).Trim().Split(' ', 2)[1].Trim();
        ConsumerApp.Write(app, feed, Version, PathIn("packages"), globalPackages);
        ChildProcess.Run("dotnet", app, ["build", "-c", "Release", "-nologo", "-v:q", "-clp:ErrorsOnly"], withoutCrayonVariables: true);
        var bin = Path.Combine(app, "bin", "Release", "net10.0");

        var output = ChildProcess.Run("dotnet", app, [Path.Combine(bin, ConsumerApp.Name + ".dll"), TrainingFixture.Model, TinyPool.Path], withoutCrayonVariables: true);
        TestContext.Out.WriteLine(output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Does.Contain("swap=Loaded"), output);
        Assert.That(lines, Does.Contain($"adapters={TinyPool.Pool.Count}"), output);
        Assert.That(lines.Single(l => l.StartsWith("generated=", StringComparison.Ordinal)), Has.Length.GreaterThan("generated=".Length), output);
        var natives = lines.Where(l => l.StartsWith("native=", StringComparison.Ordinal)).Select(l => l["native=".Length..]).ToList();
        var ownNative = Path.Combine(bin, "runtimes", "linux-x64", "native") + "/";
        Assert.That(natives.Where(p => Path.GetFileName(p) == "libcrayon_blend.so"), Is.EqualTo(new[] { ownNative + "libcrayon_blend.so" }), output);
        Assert.That(natives.Where(p => Path.GetFileName(p).StartsWith("libllama.", StringComparison.Ordinal)), Is.EqualTo(new[] { ownNative + "libllama.vulkan.v0.5.0.so" }), output);
        Assert.That(natives, Is.All.StartWith(ownNative), "every llama.cpp and blend library comes from the app's own folder:\n" + output);
    }

    private static void Pack(string root, string project, string feed) =>
        ChildProcess.Run("dotnet", root, ["pack", project, "-c", ChildProcess.Configuration, "-o", feed, $"-p:PackageVersion={Version}", "-nologo", "-v:q", "-clp:ErrorsOnly"]);

    private static void CheckRuntimePackage(string path)
    {
        using var package = ZipFile.OpenRead(path);
        var entries = package.Entries.Select(e => e.FullName).ToList();
        Assert.That(entries, Does.Contain("lib/net10.0/Crayon.Runtime.dll").And.Contain(Native + "libcrayon_blend.so").And.Contain("README.md"));
        Assert.That(entries, Has.None.Contains("libllama"), "llama.cpp comes from the companion package only");
        const string arm64 = "runtimes/linux-arm64/native/libcrayon_blend.so";
        Assert.That(entries, Does.Contain(arm64), "the linux-arm64 build of the plugin travels too");
        var unpacked = Path.Combine(Path.GetDirectoryName(path)!, "linux-arm64-libcrayon_blend.so");
        package.GetEntry(arm64)!.ExtractToFile(unpacked, overwrite: true);
        Assert.That(NativeArchitecturesTests.ElfMachine(unpacked), Is.EqualTo(183), "an AArch64 ELF library");

        var nuspec = Nuspec(package);
        Assert.That(Field(nuspec, "id"), Is.EqualTo("Crayon.Runtime"));
        Assert.That(Field(nuspec, "version"), Is.EqualTo(Version));
        Assert.That(Field(nuspec, "description"), Does.Contain("C# hosts").And.Not.EqualTo("Package Description"));
        Assert.That(Field(nuspec, "readme"), Is.EqualTo("README.md"));
        Assert.That(nuspec.Descendants().Single(e => e.Name.LocalName == "license").Attribute("type")?.Value, Is.EqualTo("expression"));
        var repository = nuspec.Descendants().Single(e => e.Name.LocalName == "repository");
        Assert.That(repository.Attribute("type")?.Value, Is.EqualTo("git"));
        Assert.That(repository.Attribute("commit")?.Value, Does.Match("^[0-9a-f]{40}$"));
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").ToDictionary(e => e.Attribute("id")!.Value, e => e.Attribute("version")!.Value);
        Assert.That(dependencies, Does.ContainKey(Companion).WithValue(Version));
        Assert.That(dependencies, Does.ContainKey("CommunityToolkit.HighPerformance"));
    }

    private static void CheckCompanionPackage(string path)
    {
        using var package = ZipFile.OpenRead(path);
        var entries = package.Entries.Select(e => e.FullName).ToList();
        var pinned = Path.Combine(RepositoryRoot.Find()!, ".deps", "llama", "linux-x64-vulkan");
        var expected = Directory.GetFiles(pinned, "*.so").Select(f => Native + Path.GetFileName(f)).Append(Native + "build-metadata.json");
        Assert.That(entries.Where(e => e.StartsWith(Native, StringComparison.Ordinal)), Is.EquivalentTo(expected), "every library of the pinned build, nothing else");
        Assert.That(entries, Has.None.StartsWith("lib/"), "a native-only package");
        var nuspec = Nuspec(package);
        Assert.That(Field(nuspec, "id"), Is.EqualTo(Companion));
        Assert.That(Field(nuspec, "description"), Does.Contain("llama.cpp v0.5.0"));
    }

    private static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }

    private static string? Field(XDocument nuspec, string name) => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;
}
