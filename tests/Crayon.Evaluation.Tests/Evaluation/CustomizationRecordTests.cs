using Crayon.Evaluation;
using NUnit.Framework;

namespace Crayon.Tests.Evaluation;

public class CustomizationRecordTests
{
    private static TaskMetrics M(double nll, double acc, int count = 100, string task = "siqa") => new(task, count, nll, 0.1, nll / 3, acc, 0.01);

    [Test]
    public void CollectsEveryMethodAndTheShareOfTheGapClosed()
    {
        var record = CustomizationRecord.Create("siqa", 32, 4, new Dictionary<CustomizationMethod, TaskMetrics>
        {
            [CustomizationMethod.Base] = M(3.0, 0.30),
            [CustomizationMethod.Uniform] = M(2.8, 0.32),
            [CustomizationMethod.Crayon] = M(2.5, 0.35),
            [CustomizationMethod.Oracle] = M(2.0, 0.45),
        });

        Assert.That(record.TestItems, Is.EqualTo(100));
        Assert.That(record.BaseNll, Is.EqualTo(3.0));
        Assert.That(record.CrayonAcc, Is.EqualTo(0.35));
        Assert.That(record.SearchNll, Is.Null, "not run");
        Assert.That(record.GapClosed, Is.EqualTo(0.5).Within(1e-12));
        Assert.That(record.Nll(CustomizationMethod.Uniform), Is.EqualTo(2.8));
        Assert.That(record.Acc(CustomizationMethod.Oracle), Is.EqualTo(0.45));
    }

    [Test]
    public void TheGapShareIsUndefinedWhenTheOracleDoesNotBeatTheBase()
    {
        var record = new CustomizationRecord { Task = "t", K = 8, Rank = 4, TestItems = 10, BaseNll = 2, CrayonNll = 1.5, OracleNll = 2 };
        Assert.That(record.GapClosed, Is.Null);
        Assert.That((record with { OracleNll = 1.0 }).GapClosed, Is.EqualTo(0.5));
        Assert.That((record with { OracleNll = 1.0, CrayonNll = 2.5 }).GapClosed, Is.EqualTo(-0.5), "worse than base is negative");
    }

    [Test]
    public void InconsistentResultsAreRejected()
    {
        var counts = Assert.Throws<ArgumentException>(() => CustomizationRecord.Create("siqa", 8, 4, new Dictionary<CustomizationMethod, TaskMetrics>
        {
            [CustomizationMethod.Base] = M(3.0, 0.3, count: 100),
            [CustomizationMethod.Crayon] = M(2.0, 0.3, count: 99),
        }))!;
        Assert.That(counts.Message, Does.Contain("different numbers of items").And.Contain("Crayon 99"));
        var task = Assert.Throws<ArgumentException>(() => CustomizationRecord.Create("siqa", 8, 4, new Dictionary<CustomizationMethod, TaskMetrics>
        {
            [CustomizationMethod.Base] = M(3.0, 0.3, task: "csqa"),
        }))!;
        Assert.That(task.Message, Does.Contain("the Base result is for task csqa, not siqa"));
        Assert.Throws<ArgumentException>(() => CustomizationRecord.Create("siqa", 8, 4, new Dictionary<CustomizationMethod, TaskMetrics>()));
    }
}
