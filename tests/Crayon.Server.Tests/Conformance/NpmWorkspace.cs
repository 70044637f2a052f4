using System.Diagnostics;
using System.Text.Json;

namespace Crayon.Tests.Server.Conformance;

/// <summary>
/// A git-ignored folder (artifacts/npm/openai-conformance) holding the conformance script and the npm
/// packages its package.json pins, installed with `npm install --prefix` on first use or when the pin changes.
/// </summary>
internal static class NpmWorkspace
{
    private static readonly SemaphoreSlim Once = new(1, 1);

    public static async Task<string> PrepareAsync()
    {
        var source = Path.Combine(RepositoryRoot(), "tests", "Crayon.Server.Tests", "Conformance");
        var work = Path.Combine(RepositoryRoot(), "artifacts", "npm", "openai-conformance");
        await Once.WaitAsync();
        try
        {
            Directory.CreateDirectory(work);
            foreach (var file in new[] { "package.json", "conformance.mjs" })
                File.Copy(Path.Combine(source, file), Path.Combine(work, file), overwrite: true);
            var pinned = JsonDocument.Parse(File.ReadAllText(Path.Combine(work, "package.json"))).RootElement.GetProperty("dependencies").GetProperty("openai").GetString();
            var installed = Path.Combine(work, "node_modules", "openai", "package.json");
            if (!File.Exists(installed) || JsonDocument.Parse(File.ReadAllText(installed)).RootElement.GetProperty("version").GetString() != pinned)
                await RunNpmAsync(work);
            return work;
        }
        finally
        {
            Once.Release();
        }
    }

    private static async Task RunNpmAsync(string work)
    {
        var info = new ProcessStartInfo("npm") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "install", "--no-audit", "--no-fund", "--prefix", work }) info.ArgumentList.Add(argument);
        using var npm = Process.Start(info) ?? throw new InvalidOperationException("npm could not be started (scripts/setup.sh installs it)");
        var stdout = npm.StandardOutput.ReadToEndAsync();
        var stderr = npm.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try { await npm.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            npm.Kill(entireProcessTree: true);
            throw new TimeoutException("npm install of the openai SDK did not finish within 5 minutes");
        }
        if (npm.ExitCode != 0) throw new InvalidOperationException($"npm install failed (exit {npm.ExitCode}): {await stderr}{await stdout}");
    }

    /// <summary>The checkout's root: the first folder above the test binaries holding Crayon.sln.</summary>
    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Crayon.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"no Crayon.sln above {AppContext.BaseDirectory}");
    }
}
