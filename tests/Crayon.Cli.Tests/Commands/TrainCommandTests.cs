using System.CommandLine;
using Crayon.Adapters;
using Crayon.Cli;
using Crayon.Cli.Commands;
using Crayon.Formats.Gguf;
using Crayon.Tests.Tasks;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>`crayon train` end to end through the real command tree: files in, GGUF out, bad input as one line.</summary>
[NonParallelizable]
public class TrainCommandTests
{
    private static async Task<(int Code, string Error)> Run(params string[] args)
    {
        var root = new RootCommand("test") { TrainCommand.Create() };
        var error = new StringWriter();
        var saved = Console.Error;
        Console.SetError(error);
        try
        {
            return (await CliHost.RunAsync(root, args), error.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    [Test]
    public async Task LoraFullExtractAndEvalWorkOnRealFiles()
    {
        using var folder = new TempJsonl();
        var data = folder.Write("train.jsonl", string.Join("\n", Enumerable.Range(0, 8).Select(i => TempJsonl.Line($"q{i}", answer: i % 3))));
        var model = TrainingFixture.Model;
        var adapterPath = Path.Combine(folder.Folder, "adapter.gguf");
        var tunedPath = Path.Combine(folder.Folder, "tuned.gguf");
        var extractedPath = Path.Combine(folder.Folder, "extracted.gguf");
        string[] common = ["--model", model, "--data", data, "--epochs", "1", "--window", "64"];

        Assert.That((await Run(["train", "lora", .. common, "--rank", "2", "-o", adapterPath])).Code, Is.EqualTo(0));
        Assert.That((await Run(["train", "full", .. common, "--targets", "attn_q", "-o", tunedPath])).Code, Is.EqualTo(0));
        Assert.That((await Run(["train", "extract", "--base", model, "--tuned", tunedPath, "--rank", "3", "-o", extractedPath])).Code, Is.EqualTo(0));

        var json = Path.Combine(folder.Folder, "eval.json");
        Assert.That((await Run("train", "eval", "--model", model, "--lora", adapterPath, "--compare-model", tunedPath, "--data", data, "--out", json)).Code, Is.EqualTo(0));
        using var report = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var rows = report.RootElement.EnumerateArray().ToArray();
        Assert.That(rows.Select(r => r.GetProperty("Variant").GetString()), Is.EqualTo(new[] { "stories260K.gguf", "+ adapter.gguf", "tuned.gguf" }));
        Assert.That(rows.Select(r => r.GetProperty("Items").GetInt32()), Is.All.EqualTo(8));
        Assert.That(rows[0].GetProperty("DeltaNll").GetDouble(), Is.Zero, "the first row is the reference");

        var adapter = LoraAdapterGguf.Read(adapterPath);
        var tuned = GgufReader.Read(tunedPath);
        var extracted = LoraAdapterGguf.Read(extractedPath);
        Assert.Multiple(() =>
        {
            Assert.That(adapter.UniformRank, Is.EqualTo(2));
            Assert.That(adapter.Pairs, Has.Count.EqualTo(25), "5 trainable projections in each of 5 blocks");
            Assert.That(tuned.Metadata.GetString("crayon.fine_tune.targets"), Is.EqualTo("attn_q"));
            Assert.That(extracted.Pairs.Select(p => p.Target), Is.EqualTo(Enumerable.Range(0, 5).Select(l => $"blk.{l}.attn_q")));
            Assert.That(extracted.UniformRank, Is.EqualTo(3));
        });
    }

    [Test]
    public async Task BadInputIsOneLineNamingTheProblem()
    {
        using var folder = new TempJsonl();
        var data = folder.Write("bad.jsonl", TempJsonl.Line("q0") + "\n{\"id\": \"q1\", \"task\": \"demo\"\n");
        var output = Path.Combine(folder.Folder, "never.gguf");
        var (code, error) = await Run("train", "lora", "--model", TrainingFixture.Model, "--data", data, "-o", output);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(error, Does.Contain("bad.jsonl").And.Contain("line 2"));
            Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1));
            Assert.That(File.Exists(output), Is.False);
        });
        (code, error) = await Run("train", "lora", "--model", TrainingFixture.Model, "-o", output);
        Assert.That(error, Does.Contain("--data FILE.jsonl or --task NAME"));
    }
}
