using Crayon.Tests.Support;
using Crayon.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Llama;

[Category(PathAgreement.Category)]
public class ScoringTests
{
    private static double LogSoftmax(float[] logits, int token)
    {
        var max = logits.Max();
        return logits[token] - max - Math.Log(logits.Sum(v => Math.Exp(v - max)));
    }

    [Test]
    public void EachTokenIsScoredByTheLogitsOfEverythingBeforeIt()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(LlamaTestRuntime.Context(256));
        const string prompt = "The capital of France is";
        var score = context.ScoreContinuation(prompt, " Paris, of course");
        Assert.That(score.Tokens, Has.Length.GreaterThan(2));

        // Independent computation: one fresh decode per token of prompt + continuation prefix.
        var whole = model.Tokenizer.Tokenize(prompt + " Paris, of course");
        var split = whole.Length - score.Tokens.Length;
        Assert.That(whole[split..], Is.EqualTo(score.Tokens));
        for (var i = 0; i < score.Tokens.Length; i++)
        {
            var logits = context.EvaluateLogits(whole[..(split + i)]);
            PathAgreement.TokenLogProbability.AssertClose(score.TokenLogProbabilities[i], LogSoftmax(logits, score.Tokens[i]), $"token {i}: one fresh decode per prefix vs one batch");
        }
        Assert.That(score.LogLikelihood, Is.EqualTo(score.TokenLogProbabilities.Sum()).Within(1e-9));
    }

    [Test]
    public void ReusingThePromptCacheGivesTheSameScoresAsScoringAlone()
    {
        using var model = TinyModel.LoadCpu();
        using var context = model.CreateContext(LlamaTestRuntime.Context(256, 4));
        const string prompt = "Question: which animal barks? Answer:";
        string[] choices = [" the dog", " a cat that meows loudly", " the dog", " fish"];
        var together = context.ScoreContinuations(prompt, choices);
        PathAgreement.TokenLogProbability.AssertClose(together[2].TokenLogProbabilities, together[0].TokenLogProbabilities, "the repeated choice, decoded on the cached prompt vs afresh");
        for (var i = 0; i < choices.Length; i++)
        {
            var alone = context.ScoreContinuation(prompt, choices[i]);
            PathAgreement.TokenLogProbability.AssertClose(together[i].TokenLogProbabilities, alone.TokenLogProbabilities, $"{choices[i]}: prompt cache reused vs scored alone");
        }
        using var unbatched = model.CreateContext(LlamaTestRuntime.Context(256, 512));
        var reference = unbatched.ScoreContinuations(prompt, choices);
        for (var i = 0; i < choices.Length; i++)
            PathAgreement.LogLikelihood.AssertClose(together[i].LogLikelihood, reference[i].LogLikelihood, $"{choices[i]}: prompt split over 4-token batches vs one batch");
        Assert.That(ContinuationScore.Best(together), Is.EqualTo(Enumerable.Range(0, 4).MaxBy(i => together[i].LogLikelihood)));
    }
}
