using System.CommandLine;
using System.Text.Json;
using Crayon.Adapters;
using Crayon.Cli.Commands;
using Crayon.Tests.Blending;
using Crayon.Tests.Importers.Llama2c;
using Crayon.Tests.Llama;
using Crayon.Tests.Pool;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>`--json` on every inspecting or producing command: stdout is exactly one JSON document holding the result.</summary>
[NonParallelizable]
public class JsonOutputTests : TempFolderTest
{
    /// <summary>Runs the command with --json; stdout must parse as one JSON document (JsonDocument refuses trailing text).</summary>
    private static JsonElement Json(Command command, params string[] args)
    {
        var (code, stdout, stderr) = CliRunner.Run(command, [.. args, "--json"]);
        Assert.That(code, Is.Zero, stderr);
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }

    [Test]
    public void GgufInfo()
    {
        var json = Json(GgufCommand.Create(), "gguf", "info", TinyModel.Path);
        Assert.That(json.GetProperty("version").GetInt32(), Is.EqualTo(3));
        Assert.That(json.GetProperty("metadata").GetArrayLength(), Is.EqualTo(18));
        Assert.That(json.GetProperty("tensors").EnumerateArray().Select(t => t.GetProperty("name").GetString()), Does.Contain("token_embd.weight"));
    }

    [Test]
    public void ModelRandomAndImportLlama2c()
    {
        var random = Json(ModelCommand.Create(), "model", "random", "--layers", "2", "-o", PathIn("r.gguf"));
        Assert.That(random.GetProperty("blocks").GetInt32(), Is.EqualTo(2));
        Assert.That(random.GetProperty("bytes").GetInt64(), Is.EqualTo(new FileInfo(PathIn("r.gguf")).Length));

        var imported = Json(ImportCommand.Create(), "import", "llama2c", "--model", Stories260K.Model, "--tokenizer", Stories260K.Tokenizer, "-o", PathIn("s.gguf"));
        Assert.That(imported.GetProperty("blocks").GetInt32(), Is.EqualTo(5));
        Assert.That(imported.GetProperty("tokens").GetInt32(), Is.EqualTo(512));
    }

    [Test]
    public void ImportPeft()
    {
        var json = Json(ImportCommand.Create(), "import", "peft", "--adapter", TestData.Require("adapters/peft-smollm135m-medflash-5ep"), "-o", PathIn("a.gguf"));
        Assert.That(json.GetProperty("pairs").GetInt32(), Is.EqualTo(60));
        Assert.That(json.GetProperty("rank").GetInt32(), Is.EqualTo(16));
    }

    [Test]
    public void Devices()
    {
        var json = Json(DevicesCommand.Create(), "devices");
        Assert.That(json.GetProperty("cpu").GetProperty("index").GetString(), Is.EqualTo("cpu"));
        Assert.That(json.GetProperty("vulkan").ValueKind, Is.EqualTo(JsonValueKind.Array));
    }

    [Test]
    public void BlendAndPoolInfo()
    {
        var pool = new RandomAdapters().Pool(2, rank: 3, RandomAdapters.OddTargets);
        var files = pool.Adapters.Select((a, i) => { var p = PathIn($"a{i}.gguf"); LoraAdapterGguf.WriteFile(a, p); return p; }).ToArray();
        var blend = Json(BlendCommand.Create(), ["blend", "--pool", .. files, "-w", "0.5,-1", "--backend", "cpu", "-o", PathIn("out.gguf")]);
        Assert.That(blend.GetProperty("adapters").EnumerateArray().Select(a => a.GetProperty("weight").GetDouble()), Is.EqualTo(new[] { 0.5, -1.0 }));
        Assert.That(blend.GetProperty("rank").GetInt32(), Is.EqualTo(3));

        var info = Json(PoolCommand.Create(), "pool", "info", TinyPool.Path);
        Assert.That(info.GetProperty("adapters").GetInt32(), Is.EqualTo(TinyPool.Pool.Count));
        Assert.That(info.GetProperty("signal").GetString(), Is.EqualTo("query"));
        Assert.That(info.GetProperty("prior").EnumerateArray().Select(p => p.GetDouble()), Is.EqualTo(TinyPool.Pool.Prior), "each adapter's share of the build's examples");
    }

    [Test]
    public void Customize()
    {
        File.WriteAllLines(PathIn("user.jsonl"), File.ReadLines(TestData.Require("qa/csqa/train.jsonl")).Skip(100).Take(6));
        var json = Json(CustomizeCommand.Create(), "customize", "--pool", TinyPool.Path, "--blend-backend", "cpu", "--model", TrainingFixture.Model,
            "--examples", PathIn("user.jsonl"), "-o", PathIn("custom.gguf"));
        Assert.That(json.GetProperty("examples").GetInt32(), Is.EqualTo(6));
        var alpha = json.GetProperty("adapters").EnumerateArray().Select(a => a.GetProperty("alpha").GetDouble()).ToArray();
        Assert.That(alpha.Sum(), Is.EqualTo(1).Within(1e-6), "alpha is a softmax");
        Assert.That(File.Exists(json.GetProperty("output").GetString()), Is.True);
    }

    [Test]
    public void ScoreEmbedAndGenerate()
    {
        string[] model = ["-m", TinyModel.Path, "--backend", "cpu", "-t", "1"];
        var score = Json(ScoreCommand.Create(), ["score", .. model, "-p", "Once upon a", "-c", " time", "-c", " banana"]);
        var choices = score.GetProperty("choices").EnumerateArray().ToArray();
        Assert.That(choices, Has.Length.EqualTo(2));
        Assert.That(choices.Select(c => c.GetProperty("logLikelihood").GetDouble()), Is.All.LessThan(0));

        var embed = Json(EmbedCommand.Create(), ["embed", .. model, "hello"]);
        Assert.That(embed.GetProperty("embedding").GetArrayLength(), Is.EqualTo(embed.GetProperty("dimension").GetInt32()).And.GreaterThan(0));

        var generate = Json(GenerateCommand.Create(), ["generate", .. model, "--greedy", "-n", "4", "-p", "Once upon a time"]);
        Assert.That(generate.GetProperty("prompt").GetString(), Is.EqualTo("Once upon a time"));
        Assert.That(generate.GetProperty("text").GetString(), Is.Not.Empty);
    }

    [Test]
    public void PoolBuildWritesOnlyTheResultToStdout_AndItsProgressToStderr()
    {
        var items = File.ReadLines(TestData.Require("qa/siqa/train.jsonl")).Take(12).Concat(File.ReadLines(TestData.Require("qa/csqa/train.jsonl")).Take(12));
        File.WriteAllLines(PathIn("data.jsonl"), items);
        var (code, stdout, stderr) = CliRunner.Run(PoolCommand.Create(), "pool", "build", "--model", TrainingFixture.Model, "--data", PathIn("data.jsonl"),
            "--adapters", "2", "--rank", "2", "--epochs", "1", "--min-cluster", "6", "-o", PathIn("pool.gguf"), "--json");
        Assert.That(code, Is.Zero, stderr);
        using var document = JsonDocument.Parse(stdout);
        Assert.That(document.RootElement.GetProperty("clusters").GetArrayLength(), Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("Building a pool of 2 rank-2 adapters"));
    }

    [Test]
    public void TrainLoraFullAndExtract()
    {
        File.WriteAllLines(PathIn("train.jsonl"), File.ReadLines(TestData.Require("qa/siqa/train.jsonl")).Take(8));
        string[] common = ["--model", TrainingFixture.Model, "--data", PathIn("train.jsonl"), "--epochs", "1", "--window", "64"];
        var lora = Json(TrainCommand.Create(), ["train", "lora", .. common, "--rank", "2", "-o", PathIn("adapter.gguf")]);
        Assert.That(lora.GetProperty("rank").GetInt32(), Is.EqualTo(2));
        Assert.That(lora.GetProperty("epochLosses").GetArrayLength(), Is.EqualTo(1));

        var full = Json(TrainCommand.Create(), ["train", "full", .. common, "--targets", "attn_q", "-o", PathIn("tuned.gguf")]);
        Assert.That(full.GetProperty("targets").GetString(), Is.EqualTo("attn_q"));

        var extracted = Json(TrainCommand.Create(), "train", "extract", "--base", TrainingFixture.Model, "--tuned", PathIn("tuned.gguf"), "--rank", "3", "-o", PathIn("x.gguf"));
        Assert.That(extracted.GetProperty("pairs").GetInt32(), Is.EqualTo(5));
    }
}
