using Crayon.Tests.Support;
using Crayon.Training;
using NUnit.Framework;
using static Crayon.Tests.Training.TrainingFixture;

namespace Crayon.Tests.Training;

/// <summary>Bad input to training ends in one clear error naming what is wrong, before any training starts.</summary>
public class TrainingInputTests
{
    private static string[] Some => Texts(4).Select(t => t.Text).ToArray();

    [Test]
    public void ANonF32ModelIsRefusedWithHowToGetOne()
    {
        var f16 = TestData.Require("models/llama-2-tiny-random.gguf");
        Assert.That(() => FineTuner.Run(f16, ["Once upon a time"], Tiny),
            Throws.InstanceOf<InvalidDataException>().With.Message.Contains("blk.0.attn_q.weight as f16")
                .And.Message.Contains("F32 weights only").And.Message.Contains("crayon import llama2c"));
    }

    [Test]
    public void NoTextsOrAnEmptyTextIsRefused()
    {
        Assert.That(() => FineTuner.Run(Model, [], Tiny), Throws.ArgumentException.With.Message.Contains("no training texts"));
        Assert.That(() => FineTuner.Run(Model, ["A story.", "  ", "Another."], Tiny), Throws.ArgumentException.With.Message.Contains("training text 1 is empty"));
    }

    [Test]
    public void UnknownOrUntrainableModulesAreNamed()
    {
        Assert.That(() => FineTuner.Run(Model, Some, Tiny with { Targets = TensorSelection.Parse("attn_q,attn_qkv") }),
            Throws.ArgumentException.With.Message.Contains("no tensor for module attn_qkv").And.Message.Contains("ffn_down"));
        Assert.That(() => TensorSelection.Parse("attn_v"),
            Throws.ArgumentException.With.Message.Contains("'attn_v' cannot be trained").And.Message.Contains("KV cache"));
    }

    [Test]
    public void AWindowLongerThanTheModelsContextIsRefused()
    {
        Assert.That(() => FineTuner.Run(Model, Some, Tiny with { WindowLength = 1024 }),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("1024 tokens exceeds the 512-token context"));
    }

    [Test]
    public void AMissingModelIsNamed()
    {
        Assert.That(() => FineTuner.Run("/nonexistent/model.gguf", Some, Tiny),
            Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("/nonexistent/model.gguf"));
    }

    [Test]
    public void ATextLongerThanTheWindowKeepsItsEnd()
    {
        var longText = string.Join(" ", Enumerable.Repeat("Tom and Lily played in the big green park all day long.", 20)) + "\nAnswer: yes";
        var result = FineTuner.Run(Model, [.. Some, longText], Tiny with { Epochs = 1 });
        Assert.Multiple(() =>
        {
            Assert.That(result.Statistics.TruncatedTexts, Is.EqualTo(1));
            Assert.That(result.Statistics.Texts, Is.EqualTo(5));
        });
    }

    [Test]
    public void CancellationStopsBetweenWindows()
    {
        using var cancel = new CancellationTokenSource();
        var steps = 0;
        var progress = new SynchronousProgress(p =>
        {
            steps++;
            if (p.Step == 2) cancel.Cancel();
        });
        Assert.That(() => FineTuner.Run(Model, Texts().Select(t => t.Text).ToArray(), Tiny, progress, cancel.Token), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(steps, Is.EqualTo(2));
    }

    private sealed class SynchronousProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
