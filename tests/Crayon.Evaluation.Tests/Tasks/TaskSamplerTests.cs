using Crayon.Tasks;
using NUnit.Framework;

namespace Crayon.Tests.Tasks;

public class TaskSamplerTests
{
    [Test]
    public void UserExamplesAreSeededNestedAcrossKAndComeFromTrainOnly()
    {
        var task = Synthetic.Task("t", train: 300, test: 50);
        var k8 = TaskSampler.UserExamples(task, 8, seed: 42);
        var k32 = TaskSampler.UserExamples(task, 32, seed: 42);
        var again = TaskSampler.UserExamples(task, 32, seed: 42);
        var other = TaskSampler.UserExamples(task, 32, seed: 43);

        Assert.That(k32.Take(8), Is.EqualTo(k8), "K=8 is the first 8 of K=32");
        Assert.That(again, Is.EqualTo(k32));
        Assert.That(other.Select(i => i.Id), Is.Not.EqualTo(k32.Select(i => i.Id)));
        Assert.That(k32.Select(i => i.Id).Distinct().Count(), Is.EqualTo(32));
        Assert.That(k32.All(i => i.Id.Contains("-train-")));
    }

    [Test]
    public void UserExamplesSkipTrainItemsThatLeakIntoTest()
    {
        var task = Synthetic.Task("t", train: 0, test: 3);
        var leaky = task.Test.Select(i => Synthetic.Item("t", "copy-" + i.Id, i.Question, [.. i.Choices])).ToArray();
        var clean = Synthetic.Item("t", "clean");
        task = task with { Train = [.. leaky, clean] };

        Assert.That(TaskSampler.UserExamples(task, 1, seed: 1).Single().Id, Is.EqualTo("clean"));
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TaskSampler.UserExamples(task, 2, seed: 1))!;
        Assert.That(error.Message, Does.Contain("only 1 usable train items"));
    }

    [Test]
    public void TestItemsAreACappedSeededSubsetInSourceOrder()
    {
        var task = Synthetic.Task("t", train: 1, test: 2000);
        var sample = TaskSampler.TestItems(task, seed: 7, maxItems: 500);
        var index = sample.Select(i => int.Parse(i.Id.Split('-')[^1])).ToArray();

        Assert.That(sample, Has.Count.EqualTo(500));
        Assert.That(index, Is.Ordered.Ascending);
        Assert.That(index.Distinct().Count(), Is.EqualTo(500));
        Assert.That(index.Max(), Is.GreaterThan(1500), "drawn from the whole split, not its head");
        Assert.That(TaskSampler.TestItems(task, seed: 7, maxItems: 500), Is.EqualTo(sample));
        Assert.That(TaskSampler.TestItems(Synthetic.Task("s", 1, 30), seed: 7), Has.Count.EqualTo(30));
    }

    [Test]
    public void TheMixtureCapsEachTaskExcludesAllTestSplitsAndIsDeterministic()
    {
        var big = Synthetic.Task("big", train: 5000, test: 10);
        var small = Synthetic.Task("small", train: 40, test: 10);
        // A 'big' train item that copies a 'small' test question: leakage across tasks.
        var copy = Synthetic.Item("big", "copy", small.Test[0].Question, [.. small.Test[0].Choices]);
        big = big with { Train = [copy, .. big.Train] };

        var mixture = TaskSampler.TrainingMixture([big, small], seed: 3, perTaskCap: 100);

        Assert.That(mixture.Count(i => i.Task == "big"), Is.EqualTo(100));
        Assert.That(mixture.Count(i => i.Task == "small"), Is.EqualTo(40));
        Assert.That(mixture.Any(i => i.Id == "copy"), Is.False);
        Assert.That(TaskSampler.TrainingMixture([big, small], seed: 3, perTaskCap: 100), Is.EqualTo(mixture));
        Assert.That(mixture.Take(40).Select(i => i.Task).Distinct().Count(), Is.EqualTo(2), "shuffled, not task after task");
        Assert.That(TaskSampler.TrainingMixture([small], seed: 3, perTaskCap: 100).Select(i => i.Id).Order(),
            Is.EqualTo(mixture.Where(i => i.Task == "small").Select(i => i.Id).Order()), "adding a task does not change another task's share");
    }

    [Test]
    public void ItemsCompareByValueIncludingTheirChoices()
    {
        var a = Synthetic.Item("t", "x", "q", ["a", "b"]);
        Assert.That(Synthetic.Item("t", "x", "q", ["a", "b"]), Is.EqualTo(a));
        Assert.That(Synthetic.Item("t", "x", "q", ["a", "B"]), Is.Not.EqualTo(a));
        Assert.That(Synthetic.Item("t", "x", "q", ["a", "b"]).GetHashCode(), Is.EqualTo(a.GetHashCode()));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new QaItem("x", "t", "q", ["a", "b"], 2));
        Assert.Throws<ArgumentException>(() => _ = new QaItem("x", "t", "q", ["a"], 0));
    }

    [Test]
    public void BadArgumentsAreRejected()
    {
        var task = Synthetic.Task("t", 10, 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => TaskSampler.UserExamples(task, 0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => TaskSampler.TestItems(task, 1, 0));
        Assert.Throws<ArgumentException>(() => TaskSampler.TrainingMixture([], 1));
        Assert.That(Assert.Throws<ArgumentException>(() => TaskSampler.TrainingMixture([task, task], 1))!.Message, Does.Contain("task t is listed twice"));
    }
}
