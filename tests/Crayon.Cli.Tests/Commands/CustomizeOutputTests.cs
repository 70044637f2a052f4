using System.Text.Json;
using Crayon.Adapters;
using Crayon.Cli.Commands;
using Crayon.Pool;
using Crayon.Tasks;
using Crayon.Tests.Pool;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>`crayon customize -o` writes what the guard made live: nothing when it kept the base model, and says so.</summary>
[NonParallelizable]
public class CustomizeOutputTests : TempFolderTest
{
    /// <summary>The tiny pool with its adapters replaced by large random ones of the same shapes: every blend wrecks the answers.</summary>
    private string HurtingPool()
    {
        var pool = TinyPool.Pool;
        var random = new Random(100);
        LoraMatrix Noise(LoraMatrix m) => new(m.Rows, m.Cols, Enumerable.Range(0, m.Data.Length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
        var adapters = pool.Adapters.Adapters.Select(a => new LoraAdapter(a.Architecture, a.Alpha, a.Pairs.Select(p => new LoraPair(p.Target, Noise(p.A), Noise(p.B))).ToArray())).ToArray();
        var path = PathIn("hurting-pool.gguf");
        AdapterPoolFile.Write(new AdapterPoolArtifact(new AdapterPool(adapters), pool.Centroids, pool.Signal, pool.Model, pool.AdapterNames, embeddingCenter: pool.EmbeddingCenter), path);
        return path;
    }

    /// <summary>CSQA items as prompt&lt;TAB&gt;gold answer lines: the guard scores each held-out example's answer.</summary>
    private string AnsweredExamples()
    {
        var lines = TinyPool.Examples(8).Select(item =>
        {
            var gold = QaPrompt.ForScoring(item).Choices[item.Answer];
            return gold.Prompt.ReplaceLineEndings(" ").Replace('\t', ' ') + "\t" + gold.Continuation.ReplaceLineEndings(" ").Replace('\t', ' ');
        });
        File.WriteAllLines(PathIn("user.txt"), lines);
        return PathIn("user.txt");
    }

    [Test]
    public void WhenTheGuardKeepsTheBaseModelNoAdapterIsWrittenAndTheOutputSaysWhy()
    {
        var pool = HurtingPool();
        var output = PathIn("custom.gguf");
        var (code, text, error) = CliRunner.Run(CustomizeCommand.Create(), "customize", "--pool", pool, "--model", TrainingFixture.Model, "--blend-backend", "cpu",
            "--examples", AnsweredExamples(), "-o", output);
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(text, Does.Contain("guard kept no adapter"));
        Assert.That(text, Does.Contain("Wrote nothing to").And.Contain("base model"));
        Assert.That(File.Exists(output), Is.False);

        var json = CliRunner.Run(CustomizeCommand.Create(), "customize", "--pool", pool, "--model", TrainingFixture.Model, "--blend-backend", "cpu",
            "--examples", AnsweredExamples(), "-o", output, "--json");
        Assert.That(json.ExitCode, Is.EqualTo(0), json.Error);
        using var document = JsonDocument.Parse(json.Out);
        Assert.That(document.RootElement.GetProperty("guard").GetProperty("kept_scale").GetDouble(), Is.EqualTo(0));
        Assert.That(document.RootElement.GetProperty("output").ValueKind, Is.EqualTo(JsonValueKind.Null));
        Assert.That(document.RootElement.GetProperty("output_skipped").GetString(), Does.Contain("base model"));
        Assert.That(File.Exists(output), Is.False);
    }

    [Test]
    public void WithTheGuardOffTheFullBlendIsWritten()
    {
        var output = PathIn("custom.gguf");
        var (code, text, error) = CliRunner.Run(CustomizeCommand.Create(), "customize", "--pool", HurtingPool(), "--model", TrainingFixture.Model, "--blend-backend", "cpu",
            "--examples", AnsweredExamples(), "-o", output, "--no-guard");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(text, Does.Contain("Wrote ").And.Not.Contain("scaled by"));
        Assert.That(LoraAdapterGguf.Read(output).Pairs, Is.Not.Empty);
    }
}
