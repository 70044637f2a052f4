using Crayon.Evaluation;
using Crayon.Llama;
using Crayon.Tasks;
using Crayon.Tests.Llama;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Evaluation;

public class QaModelScorerTests
{
    [Test]
    public void TheGoldNllIsTheGoldContinuationsLogLikelihoodAfterTheFigure2Prompt()
    {
        using var model = LlamaTestRuntime.LoadCpu(TrainingFixture.Model);
        using var context = model.CreateContext(new LlamaContextOptions { ContextLength = 512, Threads = 1 });
        foreach (var task in new[] { "siqa", "winogrande" })
        {
            var item = QaJsonlReader.ReadFile(TestData.Require($"qa/{task}/test.jsonl"))[0];
            var score = QaModelScorer.Score(context, item);
            var gold = QaPrompt.ForScoring(item).Choices[item.Answer];
            var expected = -context.ScoreContinuation(gold.Prompt, gold.Continuation).LogLikelihood;
            Assert.Multiple(() =>
            {
                Assert.That(score.GoldNll, Is.EqualTo(expected).Within(1e-9), task);
                Assert.That(score.Scores, Has.Length.EqualTo(item.Choices.Count), task);
            });
        }
    }

    [Test]
    public void PairedDifferencesRemoveTheSpreadTheMethodsShare()
    {
        double[] reference = [10, 20, 30, 40];
        double[] method = [9, 19.5, 29, 38.5];
        var d = PairedDifference.Of(method, reference);
        Assert.Multiple(() =>
        {
            Assert.That(d.Mean, Is.EqualTo(-1.0).Within(1e-12));
            Assert.That(d.StandardError, Is.EqualTo(Math.Sqrt(1.0 / 6 / 4)).Within(1e-12), "sample s.d. of (-1, -0.5, -1, -1.5) is √(1/6)");
            Assert.That(() => PairedDifference.Of([1.0], [1.0, 2.0]), Throws.ArgumentException.With.Message.Contains("equal counts"));
        });
    }
}
