using System.CommandLine;
using System.Text.Json;
using Crayon.Cli.Commands;
using Crayon.Tests.Llama;
using Crayon.Tests.Server;
using Crayon.Tests.Support;
using Crayon.Tests.Tasks;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>
/// `--json` on the commands that produce a report (every `bench`, `train eval`, `ask`) follows the convention of
/// the other commands: stdout is exactly one JSON document, the tables go to stderr, and no file is written unless
/// `--out FILE` asks for one. Each runs at its cheapest settings (tiny model, smallest sizes).
/// </summary>
[NonParallelizable]
public class ReportJsonTests : TempFolderTest
{
    /// <summary>Runs the command with --json; stdout must parse as one JSON document (JsonDocument refuses trailing text).</summary>
    private JsonElement Json(Command command, params string[] args)
    {
        var before = Directory.GetFileSystemEntries(TempFolder.FullName).Length;
        var (code, stdout, stderr) = CliRunner.Run(command, [.. args, "--json"]);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout.TrimStart(), Does.StartWith("{").Or.StartWith("["), "stdout holds the document only: " + stdout);
        Assert.That(Directory.GetFileSystemEntries(TempFolder.FullName), Has.Length.EqualTo(before), "--json alone writes no report file");
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }

    [Test]
    public void BenchBlend()
    {
        var json = Json(BenchCommand.Create(), "bench", "blend", "--backends", "cpu", "--sizes", "1", "-n", "2", "--storage", "f32", "-r", "1");
        Assert.That(json.GetProperty("benchmark").GetString(), Is.EqualTo("crayon bench blend"));
        Assert.That(json.GetProperty("results").GetArrayLength(), Is.EqualTo(1));
        Assert.That(json.GetProperty("results")[0].GetProperty("adapters").GetInt32(), Is.EqualTo(2));
    }

    [Test]
    public void BenchBlendWithOutWritesTheSameDocumentToTheFile()
    {
        var file = PathIn("out/blend.json");
        var (code, stdout, stderr) = CliRunner.Run(BenchCommand.Create(), "bench", "blend", "--backends", "cpu", "--sizes", "1", "-n", "2", "--storage", "f32", "-r", "1",
            "--out", file, "--json");
        Assert.That(code, Is.Zero, stderr);
        using var printed = JsonDocument.Parse(stdout);
        using var written = JsonDocument.Parse(File.ReadAllText(file));
        Assert.That(printed.RootElement.GetRawText(), Is.EqualTo(written.RootElement.GetRawText()));
        Assert.That(stderr, Does.Contain("% of copy"), "the table went to stderr");
    }

    [Test]
    public void BenchTune()
    {
        var json = Json(BenchCommand.Create(), "bench", "tune", "--sizes", "1", "-n", "2", "--storage", "f16", "--workgroup-sizes", "64", "--loads", "1",
            "--unrolls", "4", "--max-workgroups", "0", "-r", "1");
        Assert.That(json.GetProperty("benchmark").GetString(), Is.EqualTo("crayon bench tune"));
        Assert.That(json.GetProperty("best").GetArrayLength(), Is.EqualTo(1));
    }

    [Test]
    public void BenchSwap()
    {
        TinyModel.LoadCpu().Dispose();
        var json = Json(BenchCommand.Create(), "bench", "swap", "--model", TinyModel.Path, "--backend", "cpu", "--threads", "1",
            "--blend-backend", "cpu", "-n", "2", "--rank", "2", "-r", "1", "--chunk-kib", "1");
        Assert.That(json.GetProperty("benchmark").GetString(), Is.EqualTo("swap"));
        Assert.That(json.GetProperty("in_place").GetProperty("upload_done").GetProperty("median").GetDouble(), Is.GreaterThan(0));
    }

    [Test]
    public void BenchDecode()
    {
        TinyModel.LoadCpu().Dispose();
        var json = Json(BenchCommand.Create(), "bench", "decode", "--model", TinyModel.Path, "--backend", "cpu", "--threads", "1", "--blend-backend", "cpu",
            "--configs", "none,single", "--tokens", "2", "--runs", "1", "--prompt-tokens", "2", "-n", "2", "--rank", "2");
        Assert.That(json.GetProperty("benchmark").GetString(), Is.EqualTo("decode"));
        Assert.That(json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("configuration").GetString()), Is.EqualTo(new[] { "none", "single" }));
    }

    [Test]
    public void BenchServe()
    {
        var json = Json(BenchCommand.Create(), "bench", "serve", "--requests", "8", "--clients", "2", "--max-tokens", "2", "--customized-requests", "4",
            "--distinct", "1", "--pool-adapters", "2", "--pool-rank", "2", "--blend-backend", "cpu");
        Assert.That(json.GetProperty("benchmark").GetString(), Is.EqualTo("serve"));
        Assert.That(json.GetProperty("completions").GetProperty("requests").GetInt32(), Is.EqualTo(8));
        Assert.That(json.GetProperty("customization").GetProperty("legs").GetArrayLength(), Is.EqualTo(2), "in place and reload, one distinct customization each");
    }

    [Test]
    public void BenchCustomize()
    {
        var json = Json(BenchCommand.Create(), "bench", "customize", "--model", TrainingFixture.Model, "--tasks", "csqa,obqa", "--k", "4", "--ranks", "2",
            "-n", "2", "--per-task-cap", "10", "--test-items", "6", "--oracle-cap", "10", "--epochs", "1", "--search-evals", "3", "--context", "64", "--jobs", "1");
        Assert.That(json.GetProperty("benchmark").GetString(), Is.EqualTo("customize"));
        Assert.That(json.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("task").GetString()), Is.EquivalentTo(new[] { "csqa", "obqa" }));
    }

    [Test]
    public void BenchHybrid()
    {
        TestData.Require("qa/arc_easy/test.jsonl");
        StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        var json = Json(BenchCommand.Create(), "bench", "hybrid", "--tasks", "arc_easy", "--out-of-scope", "mmlu/anatomy",
            "--items", "6", "--oos-items", "4", "--k", "4", "--device-model", PathIn("stories.gguf"), "--server-model", PathIn("stories.gguf"),
            "--pool", PathIn("pool.gguf"), "--mode", "linear");
        Assert.That(json.GetProperty("benchmark").GetString(), Is.EqualTo("hybrid"));
        Assert.That(json.GetProperty("records").EnumerateArray().Select(r => (r.GetProperty("set").GetString(), r.GetProperty("policy").GetString())).Distinct().Count(), Is.EqualTo(8));
    }

    [Test]
    public void TrainEval()
    {
        using var folder = new TempJsonl();
        var data = folder.Write("test.jsonl", string.Join("\n", Enumerable.Range(0, 4).Select(i => TempJsonl.Line($"q{i}", answer: i % 3))));
        var (code, stdout, stderr) = CliRunner.Run(TrainCommand.Create(), "train", "eval", "--model", TrainingFixture.Model, "--data", data, "--json");
        Assert.That(code, Is.Zero, stderr);
        using var document = JsonDocument.Parse(stdout);
        var rows = document.RootElement.EnumerateArray().ToArray();
        Assert.That(rows.Select(r => r.GetProperty("Items").GetInt32()), Is.EqualTo(new[] { 4 }));
        Assert.That(stderr, Does.Contain("answer NLL"), "the table went to stderr");
    }

    [Test]
    public async Task Ask()
    {
        var qa = TestData.Require("qa");
        StoriesPool.Write(PathIn("stories.gguf"), PathIn("pool.gguf"));
        File.WriteAllLines(PathIn("examples.jsonl"), File.ReadLines(Path.Combine(qa, "arc_easy", "train.jsonl")).Take(6));
        File.WriteAllLines(PathIn("questions.jsonl"), File.ReadLines(Path.Combine(qa, "arc_easy", "test.jsonl")).Take(2));
        await using var server = await ServedStories.StartAsync();
        var json = Json(AskCommand.Create(), "ask", "--model", PathIn("stories.gguf"), "--backend", "cpu", "--threads", "1", "--ctx", "512",
            "--server", server.BaseUrl.ToString(), "--examples", PathIn("examples.jsonl"), "--questions", PathIn("questions.jsonl"), "--ratio", "1");
        var answers = json.GetProperty("answers").EnumerateArray().ToArray();
        Assert.That(answers, Has.Length.EqualTo(2));
        Assert.That(answers.Select(a => a.GetProperty("where").GetString()), Is.All.EqualTo("server"));
    }
}
