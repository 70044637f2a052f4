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
    // The first test item of each task, its figure-2 prompt and gold continuation written out by hand.
    private static readonly (string Task, string Answer, string Prompt, string Gold)[] HandWritten =
    [
        ("siqa", "Find somewhere to go", "Tracy didn't go home that evening and resisted Riley's attacks.\nWhat does Tracy need to do before this?\nAnswer:", " Find somewhere to go"),
        ("winogrande", "Maria", "Sarah was a much better surgeon than Maria so Maria", " always got the easier cases."),
    ];

    [Test]
    [Category(PathAgreement.Category)]
    public void TheGoldNllIsTheGoldContinuationsLogLikelihoodAfterTheFigure2Prompt()
    {
        using var model = LlamaTestRuntime.LoadCpu(TrainingFixture.Model);
        using var context = model.CreateContext(new LlamaContextOptions { ContextLength = 512, Threads = 1 });
        foreach (var (task, answer, prompt, gold) in HandWritten)
        {
            var item = QaJsonlReader.ReadFile(TestData.Require($"qa/{task}/test.jsonl"))[0];
            Assert.That(item.Choices[item.Answer], Is.EqualTo(answer), $"setup: {task}'s first item");
            var score = QaModelScorer.Score(context, item);
            var expected = FreshNll(context, model, prompt, gold);
            Assert.Multiple(() =>
            {
                // The scorer decodes the prompt once and every choice on its cache; the reference decodes every prefix afresh.
                PathAgreement.LogLikelihood.AssertClose(score.GoldNll, expected, $"{task}: gold NLL vs one fresh decode per token, log-softmax in float64");
                Assert.That(score.Scores, Has.Length.EqualTo(item.Choices.Count), task);
            });
        }
    }

    /// <summary>-log P(continuation | prompt), one fresh decode per continuation token and a float64 log-softmax of its logits.</summary>
    private static double FreshNll(LlamaContext context, LlamaModel model, string prompt, string continuation)
    {
        var promptTokens = model.Tokenizer.Tokenize(prompt);
        var whole = model.Tokenizer.Tokenize(prompt + continuation);
        var split = whole.AsSpan().CommonPrefixLength(promptTokens);
        Assert.That(split, Is.GreaterThan(0).And.LessThan(whole.Length), "setup: the continuation adds tokens after the prompt");
        var nll = 0.0;
        for (var p = split; p < whole.Length; p++)
        {
            var logits = context.EvaluateLogits(whole[..p]);
            var max = logits.Max();
            nll -= logits[whole[p]] - max - Math.Log(logits.Sum(v => Math.Exp(v - max)));
        }
        return nll;
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
