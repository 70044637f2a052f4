using Crayon.Benchmarking.Customize;
using Crayon.Tests.Tasks;
using NUnit.Framework;

namespace Crayon.Tests.Benchmarking;

/// <summary>The benchmark's division of a task: disjoint shares, nested user sets, nothing from the test split.</summary>
public class TaskSplitTests
{
    [Test]
    public void SharesAreDisjointAndUserSetsNest()
    {
        var data = Synthetic.Task("demo", train: 200, test: 30);
        var split = TaskSplit.Carve(data, maxK: 32, validationCap: 25, testItems: 20, seed: 5);
        var ids = new[] { split.Validation, split.User, split.Server }.Select(s => s.Select(i => i.Id).ToHashSet()).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(split.Test, Has.Count.EqualTo(20));
            Assert.That(split.Test.Select(i => i.Id), Is.All.StartWith("demo-test-"));
            Assert.That(split.Validation, Has.Count.EqualTo(25));
            Assert.That(split.User, Has.Count.EqualTo(32));
            Assert.That(split.Server, Has.Count.EqualTo(200 - 25 - 32));
            Assert.That(ids[0].Overlaps(ids[1]) || ids[0].Overlaps(ids[2]) || ids[1].Overlaps(ids[2]), Is.False);
            Assert.That(split.UserExamples(8), Is.EqualTo(split.User.Take(8)), "K = 8 is inside K = 32");
            Assert.That(split.OracleTraining(null, 5).Select(i => i.Id), Is.EquivalentTo(ids[1].Concat(ids[2])));
            Assert.That(split.OracleTraining(40, 5), Has.Count.EqualTo(40));
            Assert.That(split.Supports(33), Is.False);
            Assert.Throws<ArgumentOutOfRangeException>(() => split.UserExamples(33));
        });
        var again = TaskSplit.Carve(data, maxK: 32, validationCap: 25, testItems: 20, seed: 5);
        Assert.That(again.User, Is.EqualTo(split.User), "seeded");
        Assert.That(TaskSplit.Carve(data, 32, 25, 20, seed: 6).User, Is.Not.EqualTo(split.User));
    }

    [Test]
    public void ASmallTrainSplitGivesAFifthToValidationAndTheRestToTheUser()
    {
        var split = TaskSplit.Carve(Synthetic.Task("small", train: 30, test: 5), maxK: 128, validationCap: 100, testItems: 500, seed: 1);
        Assert.That((split.Validation.Count, split.User.Count, split.Server.Count, split.Test.Count), Is.EqualTo((6, 24, 0, 5)));
        Assert.That(split.Supports(24), Is.True);
        Assert.That(split.Supports(32), Is.False);
    }
}
