using System.Diagnostics;
using Crayon.Cli.Commands;
using Crayon.Evaluation;
using Crayon.Tests.Cli;
using Crayon.Tests.Server;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Hybrid;

/// <summary>`crayon serve`, `crayon ask` and `crayon bench hybrid` as a user runs them.</summary>
public class HybridCliTests : TempFolderTest
{
    [Test]
    public async Task ServeAnswersUntilSigtermThenDrainsAndExitsCleanly()
    {
        File.WriteAllBytes(PathIn("stories.gguf"), ServedStories.Image);
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "Crayon.Cli.dll"), "serve", "--model", PathIn("stories.gguf"), "--port", "0", "--threads", "1", "--ctx", "512", "--backend", "cpu" })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        try
        {
            var banner = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            Assert.That(banner, Does.StartWith("serving 'stories' at http://127.0.0.1:"), await StderrIfExited(process));
            var url = banner![banner!.IndexOf("http://", StringComparison.Ordinal)..].Split(' ')[0];
            using var http = new HttpClient { BaseAddress = new Uri(url) };
            var (status, body) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once upon a time","max_tokens":6,"temperature":0}""");
            Assert.That(status, Is.EqualTo(200));
            Assert.That(body.GetProperty("choices")[0].GetProperty("text").GetString(), Does.StartWith(", there was"));

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.That(process.ExitCode, Is.EqualTo(0));
            Assert.That(await process.StandardError.ReadToEndAsync(), Does.Contain("stopping; requests in flight may finish within 10 s").And.Contain("stopped"));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    private static async Task<string> StderrIfExited(Process process) => process.HasExited ? await process.StandardError.ReadToEndAsync() : "";

    [Test]
    public void ServeRefusesBadOptionsByName()
    {
        var (code, _, error) = CliRunner.Run(ServeCommand.Create(), "serve", "--model", "m.gguf", "--host", "localhost-ish");
        Assert.That(code, Is.EqualTo(2), "a usage error");
        Assert.That(error, Does.Contain("--host 'localhost-ish' is not an IP address"));
        (code, _, error) = CliRunner.Run(ServeCommand.Create(), "serve", "--model", "m.gguf", "--pool", "bad id=p.gguf");
        Assert.That(error, Does.Contain("--pool id 'bad id' may hold only letters"));
        (code, _, error) = CliRunner.Run(ServeCommand.Create(), "serve", "--model", "m.gguf", "--request-timeout", "0");
        Assert.That(error, Does.Contain("--request-timeout must be a number of seconds"));
        (code, _, error) = CliRunner.Run(ServeCommand.Create(), "serve", "--model", PathIn("missing.gguf"), "--max-queue", "-1");
        Assert.That(error, Does.Contain("--max-queue must be between 0 and 100000"));
    }

    [Test]
    public void AskRefusesBadOptionsByNameBeforeLoadingTheModel()
    {
        var qa = TestData.Require("qa");
        File.WriteAllLines(PathIn("examples.jsonl"), File.ReadLines(Path.Combine(qa, "arc_easy", "train.jsonl")).Take(6));
        File.WriteAllText(PathIn("empty.jsonl"), "");
        // The model path does not exist: each refusal must come before anything is loaded.
        string Ask(params string[] args)
        {
            string[] server = args.Contains("--server") ? [] : ["--server", "http://127.0.0.1:9/"];
            var (code, output, error) = CliRunner.Run(AskCommand.Create(), ["ask", "--model", PathIn("missing.gguf"), .. server,
                "--examples", PathIn("examples.jsonl"), "--prompt", "hello", .. args]);
            // A usage error: exit 2, one line naming the option, then where the help is.
            Assert.That(code, Is.EqualTo(2), output);
            var lines = error.TrimEnd().Split('\n');
            Assert.That(lines, Has.Length.EqualTo(2), error);
            Assert.That(lines[1], Is.EqualTo("Run 'crayon ask --help' for usage."));
            return lines[0];
        }
        Assert.Multiple(() =>
        {
            Assert.That(Ask("--ratio", "1.5"), Does.Contain("--ratio must be between 0 and 1, not 1.5"));
            Assert.That(Ask("--ratio", "NaN"), Does.Contain("--ratio must be between 0 and 1, not NaN"));
            Assert.That(Ask("--timeout", "0"), Does.Contain("--timeout must be a number of seconds above 0"));
            Assert.That(Ask("--timeout", "1e300"), Does.Contain("--timeout must be a number of seconds above 0"));
            Assert.That(Ask("--max-tokens", "0"), Does.Contain("--max-tokens must be at least 1, not 0"));
            Assert.That(Ask("--prompt", ""), Does.Contain("--prompt must not be empty"), "was 'query has no key', after loading the model");
            Assert.That(Ask("--server", "localhost:8080"), Does.Contain("--server 'localhost:8080' is not an http:// or https:// URL"));
            Assert.That(Ask("--server", "ftp://127.0.0.1/"), Does.Contain("is not an http:// or https:// URL"));
        });
        var (code, _, error) = CliRunner.Run(AskCommand.Create(), "ask", "--model", PathIn("missing.gguf"), "--server", "http://127.0.0.1:9/",
            "--examples", PathIn("examples.jsonl"), "--questions", PathIn("empty.jsonl"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(error, Does.Contain("empty.jsonl: the file holds no items"));
    }

    [Test]
    public async Task AskAnswersOnTheDeviceOrTheServerAndSaysWhy()
    {
        var qa = TestData.Require("qa");
        StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        File.WriteAllLines(PathIn("examples.jsonl"), File.ReadLines(Path.Combine(qa, "arc_easy", "train.jsonl")).Take(6));
        File.WriteAllLines(PathIn("questions.jsonl"), File.ReadLines(Path.Combine(qa, "arc_easy", "test.jsonl")).Take(2)
            .Concat(File.ReadLines(Path.Combine(qa, "mmlu", "anatomy", "test.jsonl")).Take(2)));
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { Pools = [new Crayon.Server.Hosting.PoolSource("stories", PathIn("pool.gguf"))] });
        var (code, output, error) = CliRunner.Run(AskCommand.Create(), "ask", "--model", PathIn("stories.gguf"), "--backend", "cpu", "--threads", "1", "--ctx", "512",
            "--server", server.BaseUrl.ToString(), "--pool-id", "stories", "--examples", PathIn("examples.jsonl"), "--questions", PathIn("questions.jsonl"),
            "--prompt", "Once upon a time", "--ratio", "1", "--out", PathIn("answers.jsonl"));
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("customized through the server from pool 'stories': alpha [").And.Contain("B sent (alpha only)"));
        Assert.That(output, Does.Contain("router: similarity, calibrated on 6 examples to route 100%"));
        Assert.That(output.Split('\n').Count(l => l.StartsWith("[server] ", StringComparison.Ordinal)), Is.EqualTo(5), output);
        Assert.That(output, Does.Contain("why: server: similarity ").And.Contain("4 of 4 question(s) answered by the server"));
        Assert.That(File.ReadLines(PathIn("answers.jsonl")).Count(), Is.EqualTo(5));
    }

    [Test]
    public void BenchHybridWritesTheCurvesTheQueriesAndThePlots()
    {
        TestData.Require("qa/arc_easy/test.jsonl");
        // Named models and a small pool keep this in seconds; the defaults (standard pool, trained server model) are the recorded run's.
        StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        var (code, output, error) = CliRunner.Run(BenchCommand.Create(), "bench", "hybrid", "--tasks", "arc_easy", "--out-of-scope", "mmlu/anatomy",
            "--items", "6", "--oos-items", "4", "--k", "4", "--device-model", PathIn("stories.gguf"), "--server-model", PathIn("stories.gguf"),
            "--pool", PathIn("pool.gguf"), "--mode", "linear", "--out", PathIn("out/hybrid.json"));
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("Hybrid routing").And.Contain("wrote"));
        var report = BenchmarkJson.ReadHybrid(PathIn("out/hybrid.json"));
        Assert.That(report.Benchmark, Is.EqualTo("hybrid"));
        Assert.That(report.Settings["customization"], Does.StartWith($"pool {PathIn("pool.gguf")} (Customizer: linear"));
        Assert.That(output, Does.Contain("gold NLL"));
        Assert.That(report.Settings["machine"], Does.Contain("cores"));
        Assert.That(report.Records.Select(r => (r.Set, r.Policy)).Distinct().Count(), Is.EqualTo(8));
        Assert.That(File.Exists(PathIn("out/hybrid.queries.jsonl")) && File.Exists(PathIn("out/hybrid.mixed.svg")) && File.Exists(PathIn("out/hybrid.customized.svg")));
    }
}
