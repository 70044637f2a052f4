using Crayon.Evaluation;
using NUnit.Framework;

namespace Crayon.Tests.Evaluation;

public class MultipleChoiceScorerTests
{
    private static ChoiceLogLikelihood L(double logProb, int tokens = 1, int chars = 4) => new(logProb, tokens, chars);

    [Test]
    public void ArgmaxPicksTheGoldIndexAndTheGoldNllIsReported()
    {
        var score = MultipleChoiceScorer.Score(1, [L(-3), L(-1, tokens: 2), L(-2)]);
        Assert.That(score.Predicted, Is.EqualTo(1));
        Assert.That(score.IsCorrect, Is.True);
        Assert.That(score.Credit, Is.EqualTo(1));
        Assert.That(score.GoldNll, Is.EqualTo(1));
        Assert.That(score.GoldNllPerToken, Is.EqualTo(0.5));
        Assert.That(MultipleChoiceScorer.Score(0, [L(-3), L(-1), L(-2)]).Credit, Is.Zero);
    }

    [Test]
    public void TiesSplitTheCreditAndPredictTheLowestIndex()
    {
        // csqa repeats its gold answer string: both copies get the same log-likelihood.
        var gold = MultipleChoiceScorer.Score(2, [L(-4), L(-1), L(-1), L(-5)]);
        Assert.That(gold.Predicted, Is.EqualTo(1));
        Assert.That(gold.TiedAtTop, Is.EqualTo(2));
        Assert.That(gold.Credit, Is.EqualTo(0.5));
        Assert.That(gold.IsCorrect, Is.False);
        Assert.That(MultipleChoiceScorer.Score(0, [L(-4), L(-1), L(-1)]).Credit, Is.Zero);
    }

    [Test]
    public void NormalisationCanChangeThePrediction()
    {
        // A long correct answer loses on the summed log-likelihood but wins per token and per character.
        ChoiceLogLikelihood[] choices = [L(-6, tokens: 6, chars: 24), L(-2, tokens: 1, chars: 3)];
        Assert.That(MultipleChoiceScorer.Score(0, choices, ScoreNormalization.Sum).Predicted, Is.EqualTo(1));
        Assert.That(MultipleChoiceScorer.Score(0, choices, ScoreNormalization.PerToken).Predicted, Is.EqualTo(0));
        Assert.That(MultipleChoiceScorer.Score(0, choices, ScoreNormalization.PerCharacter).Predicted, Is.EqualTo(0));
        Assert.That(MultipleChoiceScorer.Score(0, choices, ScoreNormalization.PerToken).GoldNll, Is.EqualTo(6), "the NLL stays the summed one");
    }

    [Test]
    public void BadLikelihoodsAreNamed()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => MultipleChoiceScorer.Score(0, [L(-1), L(double.NaN)]))!.Message, Does.Contain("choice 1 log-likelihood is NaN"));
        Assert.That(Assert.Throws<ArgumentException>(() => MultipleChoiceScorer.Score(0, [L(0.5), L(-1)]))!.Message, Does.Contain("cannot be positive"));
        Assert.That(Assert.Throws<ArgumentException>(() => MultipleChoiceScorer.Score(0, [L(-1), L(-1, tokens: 0)]))!.Message, Does.Contain("choice 1 has 0 continuation tokens"));
        Assert.Throws<ArgumentException>(() => MultipleChoiceScorer.Score(0, [L(-1)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MultipleChoiceScorer.Score(2, [L(-1), L(-2)]));
    }
}
