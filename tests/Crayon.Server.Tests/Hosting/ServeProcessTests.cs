using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// `crayon serve` as a whole process: SIGTERM/SIGINT drain the requests in flight and queued, then exit
/// 0 (it used to exit 143 after 2 s, or segfault with requests queued); idle connections past the
/// open-file limit no longer abort it; the API key is read the same way from flag and environment.
/// </summary>
public class ServeProcessTests : TempFolderTest
{
    private string Model()
    {
        var path = PathIn("stories.gguf");
        File.WriteAllBytes(path, ServedStories.Image);
        return path;
    }

    [TestCase("TERM")]
    [TestCase("INT")]
    public async Task ASignalDrainsRunningAndQueuedRequestsThenExitsZero(string signal)
    {
        using var server = await ServeProcess.StartAsync(Model(), ["--drain-timeout", "300", "--contexts", "1"]);
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(5) };
        // Six requests of several prompts each on one context: one runs, the others queue.
        var prompts = JsonSerializer.Serialize(Enumerable.Repeat("Once upon a time", 8).ToArray());
        var requests = Enumerable.Range(0, 6).Select(_ => ServedStories.PostAsync(http, "v1/completions", $$"""{"prompt":{{prompts}},"max_tokens":200,"temperature":0}""")).ToArray();
        for (var i = 0; i < 1000; i++)
        {
            var health = JsonDocument.Parse(await http.GetStringAsync("health")).RootElement;
            if (health.GetProperty("admitted").GetInt32() == requests.Length) break;
            await Task.Delay(10);
        }
        server.Signal(signal);
        var answers = await Task.WhenAll(requests);
        Assert.That(answers.Select(a => a.Status), Is.All.EqualTo(200), string.Join("\n", answers.Select(a => a.Body.ToString())));
        Assert.That(answers.Select(a => a.Body.GetProperty("choices").GetArrayLength()), Is.All.EqualTo(8), "every prompt answered in full");
        Assert.That(await server.WaitForExitAsync(TimeSpan.FromMinutes(2)), Is.EqualTo(0), server.Stderr);
        Assert.That(server.Stderr, Does.Contain("stopped"));
    }

    [Test]
    public async Task IdleConnectionsPastTheOpenFileLimitDoNotAbortTheServer()
    {
        // 1,100 idle connections against a 1,024 descriptor limit used to abort it ("Out of memory.", exit 134).
        using var server = await ServeProcess.StartAsync(Model(), ["--keep-alive-timeout", "2", "--headers-timeout", "2"], openFileLimit: 1024);
        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < 1100; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                idle.Add(socket);
                try { await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.BaseUrl.Port)); }
                catch (SocketException) { } // refused or reset: the server shed it, which is allowed
            }
            // Held open (by us) until the server has closed them: a bounded wait, then the server must answer.
            using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(30) };
            (int Status, JsonElement Body)? answer = null;
            for (var attempt = 0; attempt < 60 && answer is null; attempt++)
            {
                try { answer = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once","max_tokens":4,"temperature":0}"""); }
                catch (HttpRequestException) { await Task.Delay(1000); } // turned away while idle sockets still fill the connection limit
            }
            Assert.That(server.HasExited, Is.False, server.Stderr);
            Assert.That(answer?.Status, Is.EqualTo(200), server.Stderr);
        }
        finally
        {
            foreach (var socket in idle) socket.Dispose();
        }
    }

    [TestCase("--api-key", "", null)]
    [TestCase(null, null, "")]
    [TestCase("--api-key", "   ", null)]
    [TestCase(null, null, "  ")]
    [TestCase("--api-key", " key ", null)]
    public void AnEmptyOrBlankKeyIsRefusedFromFlagAndEnvironmentAlike(string? flag, string? flagValue, string? environment)
    {
        var arguments = new List<string> { "serve", "--model", Model(), "--port", "0", "--backend", "cpu" };
        if (flag is not null) arguments.AddRange([flag, flagValue!]);
        var result = CrayonCli.Run(environment is null ? null : new Dictionary<string, string> { ["CRAYON_API_KEY"] = environment }, [.. arguments]);
        Assert.That(result.ExitCode, Is.EqualTo(1), result.Stdout + result.Stderr);
        Assert.That(result.Stderr, Does.Contain(flag is null ? "$CRAYON_API_KEY" : "--api-key"));
        Assert.That(result.Stderr, Does.Contain("whitespace").Or.Contain("empty or blank"));
    }

    [Test]
    public async Task TheKeyFromTheEnvironmentIsRequiredAndThenServes()
    {
        using var server = await ServeProcess.StartAsync(Model(), [], environment: new Dictionary<string, string?> { ["CRAYON_API_KEY"] = "sesame-0123" });
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var (refused, error) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once","max_tokens":2}""");
        Assert.That(refused, Is.EqualTo(401));
        Assert.That(error.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("invalid_api_key"));
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "sesame-0123");
        var (ok, body) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once","max_tokens":2}""");
        Assert.That(ok, Is.EqualTo(200), body.ToString());
    }
}
