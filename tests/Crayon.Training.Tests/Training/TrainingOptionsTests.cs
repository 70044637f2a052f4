using Crayon.Training;
using NUnit.Framework;

namespace Crayon.Tests.Training;

public class TrainingOptionsTests
{
    [Test]
    public void CosineScheduleRunsFromThePeakToTheFinalFraction()
    {
        var options = new TrainingOptions { LearningRate = 1e-2f, FinalLearningRateFraction = 0.1f, Schedule = LearningRateSchedule.Cosine };
        Assert.Multiple(() =>
        {
            Assert.That(options.LearningRateAt(0, 101), Is.EqualTo(1e-2f).Within(1e-7));
            Assert.That(options.LearningRateAt(50, 101), Is.EqualTo(5.5e-3f).Within(1e-6), "halfway: the mean of peak and end");
            Assert.That(options.LearningRateAt(100, 101), Is.EqualTo(1e-3f).Within(1e-7));
        });
    }

    [Test]
    public void WarmupRisesLinearlyFromATenth()
    {
        var options = new TrainingOptions { LearningRate = 1f, WarmupSteps = 10, Schedule = LearningRateSchedule.Constant };
        Assert.That(new[] { 0, 5, 10, 50 }.Select(s => options.LearningRateAt(s, 100)), Is.EqualTo(new[] { 0.1f, 0.55f, 1f, 1f }).Within(1e-6f));
    }

    [TestCase(nameof(TrainingOptions.LearningRate))]
    [TestCase(nameof(TrainingOptions.FinalLearningRateFraction))]
    [TestCase(nameof(TrainingOptions.Epochs))]
    [TestCase(nameof(TrainingOptions.WindowLength))]
    [TestCase(nameof(TrainingOptions.Threads))]
    [TestCase(nameof(TrainingOptions.WeightDecay))]
    public void OutOfRangeSettingsNameThemselves(string setting)
    {
        var bad = setting switch
        {
            nameof(TrainingOptions.LearningRate) => new TrainingOptions { LearningRate = 0 },
            nameof(TrainingOptions.FinalLearningRateFraction) => new TrainingOptions { FinalLearningRateFraction = 0 },
            nameof(TrainingOptions.Epochs) => new TrainingOptions { Epochs = 0 },
            nameof(TrainingOptions.WindowLength) => new TrainingOptions { WindowLength = 4 },
            nameof(TrainingOptions.Threads) => new TrainingOptions { Threads = 0 },
            _ => new TrainingOptions { WeightDecay = 2 },
        };
        Assert.That(bad.Validate, Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(setting));
    }

    [Test]
    public void SelectionsMatchBlockModulesByName()
    {
        var selection = TensorSelection.Parse("attn_q, ffn_down");
        Assert.Multiple(() =>
        {
            Assert.That(selection.Matches("blk.3.attn_q.weight"), Is.True);
            Assert.That(selection.Matches("blk.12.ffn_down.weight"), Is.True);
            Assert.That(selection.Matches("blk.3.attn_k.weight"), Is.False);
            Assert.That(selection.Matches("output_norm.weight"), Is.False);
            Assert.That(TensorSelection.Parse("all").Matches("output_norm.weight"), Is.True);
            Assert.That(TensorSelection.ModuleOf("blk.x.attn_q.weight"), Is.Null);
            Assert.That(() => TensorSelection.Parse("blk.0.attn_q"), Throws.ArgumentException.With.Message.Contains("without 'blk.N.'"));
            Assert.That(() => TensorSelection.Parse(" , "), Throws.ArgumentException);
        });
    }
}
