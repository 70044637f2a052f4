using Crayon.Benchmarking.Customize;
using Crayon.Customization;
using NUnit.Framework;

namespace Crayon.Tests.Benchmarking;

/// <summary>How the guard ablation reads every candidate set off one guard run: the guard's own rule on a subset, then validation NLLs.</summary>
public class GuardAblationTests
{
    private static readonly GuardChoice Smoothed = GuardChoice.TowardUniform(0.5);
    private static readonly GuardChoice Tempered = GuardChoice.Tempered(4);

    private static GuardAblationTask Outcome(string name, double none, double blend, double smoothed, double tempered,
        double validationBlend, double validationSmoothed, double validationTempered, double baseNll, double uniformNll) =>
        new(name, [new(GuardChoice.NoAdapter, none), new(GuardChoice.Blend, blend), new(Smoothed, smoothed), new(Tempered, tempered)],
            new Dictionary<GuardChoice, double>
            {
                [GuardChoice.NoAdapter] = baseNll, [GuardChoice.Blend] = validationBlend, [Smoothed] = validationSmoothed, [Tempered] = validationTempered,
            }, baseNll, uniformNll, 32, 3, TimeSpan.FromMilliseconds(1));

    [Test]
    public void ASubsetKeepsItsLowestHeldOutMemberAndTiesGoToTheOneJudgedFirst()
    {
        var heldOut = Outcome("t", 9, 5, 4, 4, 0, 0, 0, 10, 10).HeldOut;
        Assert.Multiple(() =>
        {
            Assert.That(GuardAblation.Keep(heldOut, [GuardChoice.NoAdapter, GuardChoice.Blend]), Is.EqualTo(GuardChoice.Blend));
            Assert.That(GuardAblation.Keep(heldOut, [GuardChoice.NoAdapter, GuardChoice.Blend, Tempered]), Is.EqualTo(Tempered));
            Assert.That(GuardAblation.Keep(heldOut, [GuardChoice.NoAdapter, GuardChoice.Blend, Smoothed, Tempered]), Is.EqualTo(Smoothed), "a tie: the one judged first");
            Assert.Throws<ArgumentException>(() => GuardAblation.Keep(heldOut, [GuardChoice.Scaled(0.5)]));
        });
    }

    [Test]
    public void ASetIsScoredByTheValidationNllOfWhatItsGuardKept()
    {
        // Task a: smoothing wins held out and on validation (below uniform); task b: the blend wins held out.
        IReadOnlyList<GuardAblationTask> tasks =
        [
            Outcome("a", 10, 6, 5, 6.5, validationBlend: 21, validationSmoothed: 19, validationTempered: 20.5, baseNll: 25, uniformNll: 20),
            Outcome("b", 10, 3, 4, 3.5, validationBlend: 8, validationSmoothed: 9, validationTempered: 8.5, baseNll: 12, uniformNll: 10),
        ];
        var old = GuardAblation.Summarize([GuardChoice.NoAdapter, GuardChoice.Blend], tasks);
        var smoothed = GuardAblation.Summarize([GuardChoice.NoAdapter, GuardChoice.Blend, Smoothed], tasks);
        Assert.Multiple(() =>
        {
            Assert.That(old.Kept, Is.EqualTo(new[] { GuardChoice.Blend, GuardChoice.Blend }));
            Assert.That(old.Wins, Is.EqualTo(1), "task a's blend (21) is above uniform (20)");
            Assert.That(old.RelativeNll, Is.EqualTo((21.0 / 20 + 8.0 / 10) / 2).Within(1e-12));
            Assert.That(smoothed.Kept, Is.EqualTo(new[] { Smoothed, GuardChoice.Blend }));
            Assert.That(smoothed.Wins, Is.EqualTo(2));
            Assert.That(smoothed.BelowBase, Is.EqualTo(2));
            Assert.That(smoothed.MeanNll, Is.EqualTo((19.0 + 8) / 2).Within(1e-12));
            Assert.That(smoothed.Name, Is.EqualTo("none + blend + uniform-0.5"));
        });
    }
}
