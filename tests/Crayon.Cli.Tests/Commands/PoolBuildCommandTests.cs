using Crayon.Cli.Commands;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>`crayon pool build` and `crayon demo` option values: refused by the option's name, on one line, before any data is read or pool built.</summary>
[NonParallelizable]
public class PoolBuildCommandTests : TempFolderTest
{
    private (int Code, string Out, string Error) Build(params string[] args) =>
        CliRunner.Run(PoolCommand.Create(), ["pool", "build", "--model", TrainingFixture.Model, "--data", TestData.Require("qa/siqa/train.jsonl"), .. args]);

    [TestCase("--adapters", "0", "--adapters must be at least 1, got 0")]
    [TestCase("--rank", "-2", "--rank must be at least 1, got -2")]
    [TestCase("--min-cluster", "0", "--min-cluster must be at least 1, got 0")]
    [TestCase("--epochs", "0", "--epochs must be at least 1, got 0")]
    [TestCase("--lr", "-1", "--lr must be a positive number, got -1")]
    public void NonsenseValuesAreRefusedByTheirOptionsName(string option, string value, string message)
    {
        var result = Build(option, value, "-o", PathIn("pool.gguf"));
        Assert.That(result, Is.EqualTo((2, "", $"crayon: {message}{Environment.NewLine}Run 'crayon pool build --help' for usage.{Environment.NewLine}")));
    }

    [Test]
    public void AMissingOutputFolderIsRefusedBeforeTheBuild()
    {
        var result = Build("-o", PathIn("missing/pool.gguf"));
        Assert.That(result.Code, Is.EqualTo(1));
        Assert.That(result.Out, Is.Empty, "no build started");
        Assert.That(result.Error, Does.Contain("--output").And.Contain("does not exist"));
    }

    [Test]
    public void TheDemosOptionErrorsAreOneLine()
    {
        var fewExamples = CliRunner.Run(DemoCommand.Create(), "demo", "-k", "1");
        var topK = CliRunner.Run(DemoCommand.Create(), "demo", "--top-k", "9");
        Assert.Multiple(() =>
        {
            Assert.That(fewExamples.ExitCode, Is.EqualTo(1));
            Assert.That(fewExamples.Error.TrimEnd().Split('\n'), Has.Length.EqualTo(1), fewExamples.Error);
            Assert.That(fewExamples.Error, Does.Contain("from 2 to").And.Contain("Actual value was 1"));
            Assert.That(topK.ExitCode, Is.EqualTo(1));
            Assert.That(topK.Error, Does.Contain("top-k 9 is more than the demo pool's 8 adapters"));
        });
    }
}
