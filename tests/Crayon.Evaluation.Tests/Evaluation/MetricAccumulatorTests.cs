using Crayon.Evaluation;
using NUnit.Framework;

namespace Crayon.Tests.Evaluation;

public class MetricAccumulatorTests
{
    [Test]
    public void MeansAndStandardErrorsMatchTheTextbookFormulas()
    {
        double[] nll = [0.5, 1.5, 2.0, 4.0, 0.25];
        double[] credit = [1, 0, 0.5, 1, 1];
        var scores = nll.Select((n, i) => new ItemScore(0, 0, 1, credit[i], n, n / 2, [0, -1])).ToArray();

        var metrics = MetricAccumulator.Summarize("demo", scores);

        static double Se(double[] x) => Math.Sqrt(x.Sum(v => Math.Pow(v - x.Average(), 2)) / (x.Length - 1) / x.Length);
        Assert.That(metrics.Count, Is.EqualTo(5));
        Assert.That(metrics.MeanNll, Is.EqualTo(nll.Average()).Within(1e-12));
        Assert.That(metrics.MeanNllPerToken, Is.EqualTo(nll.Average() / 2).Within(1e-12));
        Assert.That(metrics.NllStandardError, Is.EqualTo(Se(nll)).Within(1e-12));
        Assert.That(metrics.Accuracy, Is.EqualTo(0.7).Within(1e-12));
        Assert.That(metrics.AccuracyStandardError, Is.EqualTo(Se(credit)).Within(1e-12));
    }

    [Test]
    public void OneItemHasNoStandardErrorAndNoneIsAnError()
    {
        var one = MetricAccumulator.Summarize("demo", [new ItemScore(0, 0, 1, 1, 2, 2, [0, -1])]);
        Assert.That(one.NllStandardError, Is.Null);
        Assert.That(one.AccuracyStandardError, Is.Null);
        var error = Assert.Throws<InvalidOperationException>(() => new MetricAccumulator("siqa").Summarize())!;
        Assert.That(error.Message, Does.Contain("no items were scored for task siqa"));
    }
}
