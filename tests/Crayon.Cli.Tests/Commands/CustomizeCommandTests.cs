using Crayon.Adapters;
using Crayon.Cli.Commands;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tests.Llama;
using Crayon.Tests.Pool;
using Crayon.Tests.Support;
using Crayon.Tests.Tasks;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Cli;

/// <summary>`crayon customize` and `crayon embed --examples` through the real command tree: the happy path, and one clear line for each bad input.</summary>
[NonParallelizable]
public class CustomizeCommandTests : TempFolderTest
{
    private string ExamplesFile()
    {
        var lines = File.ReadLines(TestData.Require("qa/csqa/train.jsonl")).Skip(100).Take(6);
        File.WriteAllLines(PathIn("user.jsonl"), lines);
        return PathIn("user.jsonl");
    }

    private static (int Code, string Out, string Error) Customize(params string[] args) =>
        CliRunner.Run(CustomizeCommand.Create(), ["customize", "--pool", TinyPool.Path, "--blend-backend", "cpu", .. args]);

    [Test]
    public void CustomizeWritesTheAdapterAndPrintsAlphaAndEveryTiming()
    {
        var (code, output, error) = Customize("--model", TrainingFixture.Model, "--examples", ExamplesFile(), "--tau", "0.5", "-o", PathIn("custom.gguf"));
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("from 6 examples").And.Contain("similarity").And.Contain("alpha"));
        Assert.That(output, Does.Contain("embed ").And.Contain("alpha ").And.Contain("blend ").And.Contain("swap ").And.Contain("total "));
        Assert.That(output, Does.Match(@"(?s)guard\s+kept\s+(no\s+adapter|the\s+blend|alpha\s+0\.5\s+toward\s+the\s+pool's\s+prior).*held-out\s+NLL\s+no\s+adapter\s+\d+\.\d{3},\s+the\s+blend\s+\d+\.\d{3},\s+alpha\s+0\.5\s+toward\s+the\s+pool's\s+prior\s+\d+\.\d{3};\s+6\s+forward\s+passes"),
            "6 examples: 2 held out × 3 candidates (no adapter, the blend, alpha halfway to the pool's prior), the verdict and its cost printed");
        Assert.That(output, Does.Match(@"guard\s+\d+\.\d+\s+ms\s+\(6\s+forward\s+passes\)"), "the guard's time in the latency split");
        var adapter = LoraAdapterGguf.Read(PathIn("custom.gguf"));
        Assert.That(adapter.UniformRank, Is.EqualTo(TinyPool.Pool.Adapters.Rank * 2), "concat of both adapters (tau 0.5 keeps both)");
    }

    [Test]
    public void NoGuardMakesTheBlendLiveUnjudged()
    {
        var (code, output, error) = Customize("--model", TrainingFixture.Model, "--examples", ExamplesFile(), "--no-guard");
        Assert.That(code, Is.EqualTo(0), error);
        Assert.That(output, Does.Contain("guard skipped: switched off").And.Not.Contain("forward passes"));
    }

    [Test]
    public void EmbeddedExamplesCustomizeLikeTheExamples_AndOtherModelsEmbeddingsAreRefused()
    {
        var embed = CliRunner.Run(EmbedCommand.Create(), "embed", "--model", TrainingFixture.Model, "--examples", ExamplesFile(), "-o", PathIn("request.json"), "--backend", "cpu");
        Assert.That(embed.ExitCode, Is.EqualTo(0), embed.Error);
        var request = ExampleEmbeddingsFile.Read(PathIn("request.json"));
        Assert.That(request.Model, Is.EqualTo(PoolModelIdentity.Of(TrainingFixture.Model)));
        Assert.That(request.Vectors, Has.Count.EqualTo(6));

        var viaFile = Customize("--model", TrainingFixture.Model, "--embeddings", PathIn("request.json"));
        // Unguarded: the guard may keep a smoothed alpha, and embeddings alone (no texts) are never judged.
        var direct = Customize("--model", TrainingFixture.Model, "--examples", ExamplesFile(), "--no-guard");
        Assert.That(viaFile.Code, Is.EqualTo(0), viaFile.Error);
        Assert.That(AlphaLines(viaFile.Out), Is.EqualTo(AlphaLines(direct.Out)));

        var foreign = new ExampleEmbeddings(new PoolModel("other-model", "llama", new string('c', 64)), request.Signal, request.Vectors);
        ExampleEmbeddingsFile.Write(PathIn("foreign.json"), foreign);
        var refused = Customize("--model", TrainingFixture.Model, "--embeddings", PathIn("foreign.json"));
        Assert.That(refused.Code, Is.EqualTo(1));
        Assert.That(refused.Error, Does.Contain("foreign.json were embedded by model 'other-model'").And.Contain("stories260K"));
    }

    [Test]
    public void BadExampleFilesGetOneClearLine()
    {
        File.WriteAllText(PathIn("empty.jsonl"), "\n\n");
        File.WriteAllText(PathIn("bad.jsonl"), TempJsonl.Line("a") + "\n{\"id\": \"b\", \"task\": \"demo\"\n" + TempJsonl.Line("c") + "\n");
        using (var huge = File.Create(PathIn("huge.jsonl"))) huge.SetLength(Crayon.Tasks.QaReaderLimits.UserExamples.MaxFileBytes + 1);

        var empty = Customize("--examples", PathIn("empty.jsonl"));
        var malformed = Customize("--examples", PathIn("bad.jsonl"));
        var oversized = Customize("--examples", PathIn("huge.jsonl"));
        var missing = Customize("--examples", PathIn("nope.jsonl"));
        Assert.Multiple(() =>
        {
            Assert.That(empty, Is.EqualTo((1, "", $"crayon: {PathIn("empty.jsonl")}: the file holds no items{Environment.NewLine}")));
            Assert.That(malformed.Error, Does.Contain("bad.jsonl").And.Contain("line 2:").And.Not.Contain("line 1:").And.Not.Contain("line 3:"));
            Assert.That(oversized.Error, Does.Contain("huge.jsonl").And.Contain("over the limit of 4,194,304"));
            Assert.That(missing.Error, Does.Contain("not found").And.Contain("nope.jsonl"));
            Assert.That(new[] { malformed.Code, oversized.Code, missing.Code }, Is.All.EqualTo(1));
        });
    }

    [Test]
    public void APoolForAnotherModelOrSignalAndMixWithAnOutputAreRefused()
    {
        var examples = ExamplesFile();
        var otherModel = Customize("--model", TinyModel.Path, "--examples", examples);
        var otherSignal = Customize("--model", TrainingFixture.Model, "--examples", examples, "--signal", "hidden");
        var mixOutput = Customize("--model", TrainingFixture.Model, "--examples", examples, "--mode", "mix", "-o", PathIn("x.gguf"));
        var both = Customize("--examples", examples, "--embeddings", PathIn("x.json"));
        Assert.Multiple(() =>
        {
            Assert.That(otherModel.Error, Does.Contain("was built for model 'stories260K'").And.Contain("rebuild the pool"));
            Assert.That(otherSignal.Error, Does.Contain("query embeddings").And.Contain("--signal query"));
            Assert.That(mixOutput.Error, Does.Contain("--recipe mix blends nothing"));
            Assert.That(both.Error, Does.Contain("either --examples").And.Contain("or --embeddings"));
            Assert.That(new[] { otherModel.Code, otherSignal.Code }, Is.All.EqualTo(1), "the pool does not fit: a failure");
            Assert.That(new[] { mixOutput.Code, both.Code }, Is.All.EqualTo(2), "options that do not go together: a usage error");
        });
    }

    [Test]
    public void ATopKAboveThePoolSizeOrAMissingOutputFolderIsRefusedBeforeAnyWork()
    {
        var examples = ExamplesFile();
        var topK = Customize("--model", TrainingFixture.Model, "--examples", examples, "--top-k", "3");
        var missingFolder = Customize("--model", TrainingFixture.Model, "--examples", examples, "-o", PathIn("no-such-folder/x.gguf"));
        Assert.Multiple(() =>
        {
            Assert.That(topK, Is.EqualTo((2, "", $"crayon: --top-k 3 is more than the pool's 2 adapters; give 1 to 2, or 0 for all{Environment.NewLine}" +
                                                 $"Run 'crayon customize --help' for usage.{Environment.NewLine}")));
            Assert.That(missingFolder.Code, Is.EqualTo(1));
            Assert.That(missingFolder.Out, Is.Empty, "nothing was customized");
            Assert.That(missingFolder.Error, Does.Contain("--output").And.Contain("no-such-folder").And.Contain("does not exist").And.Not.Contain(".tmp"));
        });
    }

    private static string[] AlphaLines(string output) => output.Split('\n').Where(l => l.Contains("c0", StringComparison.Ordinal)).ToArray();
}
