using System.Diagnostics;
using System.Text.Json;
using Crayon.Adapters;
using Crayon.Server.Adapters;
using Crayon.Server.Hosting;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Server.Conformance;

/// <summary>
/// The server driven by the official `openai` npm SDK (conformance.mjs, one case per endpoint and error
/// path). The SDK is installed from npm by this fixture into artifacts/npm (git-ignored), at the version
/// package.json pins, so CI needs nothing installed by hand but node and npm (scripts/setup.sh).
/// </summary>
public class OpenAiConformanceTests : TempFolderTest
{
    private const string Key = "conformance-key-0123";

    [Test]
    public async Task TheOfficialSdkSeesAConformingServer()
    {
        var work = await NpmWorkspace.PrepareAsync();
        var pool = StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        var lora = PathIn("lora0.gguf");
        LoraAdapterGguf.WriteFile(pool.Adapters.Adapters[0], lora);
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with
        {
            // Served from the file the pool was built for, so the pool can customize per request.
            ModelImage = null, ModelPath = PathIn("stories.gguf"),
            ApiKey = Key, Pools = [new PoolSource("tiny", PathIn("pool.gguf"))], Loras = [new LoraSource(lora, 0f)],
        });

        var info = new ProcessStartInfo("node") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = work };
        info.ArgumentList.Add(Path.Combine(work, "conformance.mjs"));
        info.Environment["CRAYON_URL"] = server.BaseUrl.ToString();
        info.Environment["CRAYON_KEY"] = Key;
        info.Environment["CRAYON_MODEL"] = server.ModelId;
        using var node = Process.Start(info)!;
        var stdout = node.StandardOutput.ReadToEndAsync();
        var stderr = node.StandardError.ReadToEndAsync();
        using (var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5)))
        {
            try { await node.WaitForExitAsync(limit.Token); }
            catch (OperationCanceledException) { node.Kill(entireProcessTree: true); Assert.Fail("conformance.mjs did not finish within 5 minutes"); }
        }
        var results = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.Clone()).ToArray();
        foreach (var r in results) TestContext.Out.WriteLine($"{(r.GetProperty("ok").GetBoolean() ? "ok  " : "FAIL")} {r.GetProperty("name").GetString()}");
        var failures = results.Where(r => !r.GetProperty("ok").GetBoolean())
            .Select(r => $"{r.GetProperty("name").GetString()}: {r.GetProperty("detail").GetString()}").ToArray();
        Assert.That(results, Has.Length.GreaterThanOrEqualTo(20), $"every case reported; stderr: {await stderr}");
        Assert.That(failures, Is.Empty, string.Join("\n\n", failures));
        Assert.That(node.ExitCode, Is.EqualTo(0), await stderr);
    }
}
