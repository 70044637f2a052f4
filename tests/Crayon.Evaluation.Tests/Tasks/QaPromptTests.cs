using Crayon.Tasks;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Crayon.Tests.Tasks;

public class QaPromptTests
{
    [Test]
    public void QuestionAnswerLayoutIsContextQuestionAnswerCue()
    {
        var withContext = new QaItem("s1", "siqa", "How would Others feel?", ["glad", "sad", "glad"], 2, "Cameron threw a party.");
        var scoring = QaPrompt.ForScoring(withContext);

        Assert.That(scoring.Choices.Select(c => c.Prompt).Distinct().Single(), Is.EqualTo("Cameron threw a party.\nHow would Others feel?\nAnswer:"));
        Assert.That(scoring.Choices.Select(c => c.Continuation), Is.EqualTo(new[] { " glad", " sad", " glad" }), "one entry per index, repeats included");
        Assert.That(scoring.TruncatedChars, Is.Zero);
        Assert.That(QaPrompt.ForScoring(new QaItem("c1", "csqa", "Where?", ["home", "away"], 0)).Choices[1].Text, Is.EqualTo("Where?\nAnswer: away"));

        var training = QaPrompt.ForTraining(withContext);
        Assert.That(training.Text, Is.EqualTo("Cameron threw a party.\nHow would Others feel?\nAnswer: glad"));
        Assert.That(training.Completion, Is.EqualTo(" glad"));
        Assert.That(QaPrompt.QueryText(withContext), Is.EqualTo(scoring.Choices[0].Prompt));
    }

    [Test]
    public void ALongContextLosesItsBeginningAtAWordBoundaryNeverTheAnswer()
    {
        var passage = string.Join(" ", Enumerable.Range(0, 400).Select(i => "word" + i));
        var item = new QaItem("b1", "boolq", "is it true?", ["no", "yes"], 1, passage);
        var budget = new PromptBudget(200);

        var scoring = QaPrompt.ForScoring(item, budget);
        var prompt = scoring.Choices[0].Prompt;

        Assert.That(scoring.Choices.All(c => c.Prompt == prompt), "every choice sees the same prompt");
        Assert.That(prompt, Does.EndWith("word399\nis it true?\nAnswer:"));
        Assert.That(prompt, Does.StartWith("word"), "cut at a word boundary");
        Assert.That(prompt.Length + " yes".Length, Is.LessThanOrEqualTo(200));
        Assert.That(scoring.TruncatedChars, Is.EqualTo(passage.Length + "\nis it true?\nAnswer:".Length - prompt.Length));
        Assert.That(QaPrompt.ForTraining(item, budget).Completion, Is.EqualTo(" yes"));
    }

    [Test]
    public void ABudgetSmallerThanTheAnswerStillKeepsCueAndAnswer()
    {
        var item = new QaItem("m1", "mmlu/x", "Which?", ["a very long answer indeed", "b"], 0);
        var training = QaPrompt.ForTraining(item, new PromptBudget(10));
        Assert.That(training.Prompt, Is.EqualTo("Answer:"));
        Assert.That(training.Completion, Is.EqualTo(" a very long answer indeed"));
    }

    [Test]
    public void WinograndeIsScoredByThePartialMethod()
    {
        var item = new QaItem("w1", "winogrande", "Ian ate Dennis's menudo because _ despised intestine.", ["Ian", "Dennis"], 1);
        var scoring = QaPrompt.ForScoring(item);

        Assert.That(QaPrompt.StyleOf(item), Is.EqualTo(PromptStyle.FillInTheBlank));
        Assert.That(scoring.Choices.Select(c => c.Prompt), Is.EqualTo(new[] { "Ian ate Dennis's menudo because Ian", "Ian ate Dennis's menudo because Dennis" }));
        Assert.That(scoring.Choices.Select(c => c.Continuation).Distinct().Single(), Is.EqualTo(" despised intestine."));
        Assert.That(QaPrompt.ForTraining(item).Text, Is.EqualTo("Ian ate Dennis's menudo because Dennis despised intestine."));
        Assert.That(QaPrompt.QueryText(item), Is.EqualTo(item.Question));
    }

    [Test]
    public void AWinograndeBlankFollowedOnlyByPunctuationScoresTheOptionItself()
    {
        var item = new QaItem("w2", "winogrande", "They found oil on the property of _ .", ["Donald", "Leslie"], 0);
        var scoring = QaPrompt.ForScoring(item);
        Assert.That(scoring.Choices.Select(c => c.Prompt).Distinct().Single(), Is.EqualTo("They found oil on the property of"));
        Assert.That(scoring.Choices.Select(c => c.Continuation), Is.EqualTo(new[] { " Donald .", " Leslie ." }));
    }

    [TestCase("no blank here")]
    [TestCase("two _ blanks _ here")]
    public void AWinograndeItemWithoutExactlyOneBlankIsNamed(string question)
    {
        var item = new QaItem("w3", "winogrande", question, ["a", "b"], 0);
        var error = Assert.Throws<ArgumentException>(() => QaPrompt.ForScoring(item))!;
        Assert.That(error.Message, Does.Contain("winogrande item 'w3' must contain exactly one '_'"));
    }

    [Test]
    public void BudgetsFromTokensAreValidated()
    {
        Assert.That(PromptBudget.FromTokens(512, 2.0, 2).MaxChars, Is.EqualTo(1020));
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptBudget.FromTokens(512, double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptBudget.FromTokens(4, 2.0, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PromptBudget(0));
    }

    [Test]
    public void AnyBudgetKeepsTheCueTheAnswerAndASuffixOfThePrompt()
    {
        var words = Gen.Elements("alpha", "beta", "γάμμα", "😀x", "delta\n", "e");
        var text = Gen.ListOf(words).Select(w => string.Join(" ", w).Trim()).Where(s => s.Length > 0);
        var cases = text.Zip(text).Zip(Gen.Choose(1, 400));
        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var ((context, question), budget) = c;
            var item = new QaItem("p", "demo", question, ["first answer", "b"], 0, context);
            var full = QaPrompt.ForScoring(item).Choices[0].Prompt;
            var cut = QaPrompt.ForScoring(item, new PromptBudget(budget));
            var prompt = cut.Choices[0].Prompt;
            var fits = prompt.Length + " first answer".Length <= budget || prompt == QaPrompt.AnswerCue;
            var atWordBoundary = prompt.Length == full.Length || prompt == QaPrompt.AnswerCue || char.IsWhiteSpace(full[full.Length - prompt.Length - 1]);
            return fits && atWordBoundary
                && full.EndsWith(prompt, StringComparison.Ordinal) && prompt.EndsWith(QaPrompt.AnswerCue, StringComparison.Ordinal)
                && cut.TruncatedChars == full.Length - prompt.Length && cut.Choices[0].Continuation == " first answer";
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }
}
