using Crayon.Tasks;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Tasks;

/// <summary>The reader, catalog, guard and prompts against the real QA data in shared/data/qa.</summary>
public class SharedQaDataTests
{
    private static readonly Lazy<(TaskCatalog Catalog, IReadOnlyList<QaTaskData> Tasks)> Data = new(() =>
    {
        var catalog = TaskCatalog.Open(Path.GetDirectoryName(TestData.Require("qa"))!);
        return (catalog, catalog.Tasks.Select(t => t.Load()).ToArray());
    });

    [Test]
    public void TheCatalogHoldsTheEightTasksAnd57MmluSubjects()
    {
        TestData.Require("qa");
        var catalog = Data.Value.Catalog;
        Assert.That(catalog.Tasks.Where(t => t.Family != "mmlu").Select(t => t.Name), Is.EquivalentTo(TaskCatalog.StandardTasks));
        Assert.That(catalog.MmluSubjects.Count(), Is.EqualTo(57));
        Assert.That(catalog.Get("mmlu/anatomy").TrainPath, Does.EndWith(Path.Combine("qa", "mmlu", "anatomy", "train.jsonl")));
        var error = Assert.Throws<KeyNotFoundException>(() => catalog.Get("sqia"))!;
        Assert.That(error.Message, Does.Contain("unknown task 'sqia'").And.Contain("winogrande").And.Contain("57 subjects"));
    }

    // Split sizes from shared/data/README.md.
    [TestCase("siqa", 33_410, 1_954)]
    [TestCase("csqa", 9_741, 1_221)]
    [TestCase("obqa", 4_957, 500)]
    [TestCase("arc_easy", 2_821, 2_376)]
    [TestCase("arc_challenge", 1_418, 1_172)]
    [TestCase("piqa", 16_113, 1_838)]
    [TestCase("winogrande", 40_398, 1_267)]
    [TestCase("boolq", 1_635, 1_635)]
    [TestCase("mmlu", 1_816, 14_042)]
    public void EveryFileReadsCleanlyWithTheDocumentedCounts(string family, int train, int test)
    {
        TestData.Require("qa");
        var tasks = Data.Value.Tasks.Where(t => t.Task.Family == family).ToArray();
        Assert.That(tasks.Sum(t => t.Train.Count), Is.EqualTo(train));
        Assert.That(tasks.Sum(t => t.Test.Count), Is.EqualTo(test));
    }

    [Test]
    public void TheGuardFindsTheDocumentedTrainTestDuplicates()
    {
        TestData.Require("qa");
        // README: identical text in mmlu 13, arc_easy 2, piqa 1 (choices in the same order). Ignoring choice order
        // also catches 14 obqa questions whose choices were shuffled; counted here per train item, so piqa's
        // one test item matches two train items. Cross-checked with an independent Python scan of the files.
        var leaks = Data.Value.Tasks.ToDictionary(t => t.Task.Name, t =>
        {
            LeakageGuard.ForTask(t).Filter(t.Train, out var removed);
            return removed.Count;
        });
        int Family(string f) => leaks.Where(l => l.Key == f || l.Key.StartsWith(f + "/", StringComparison.Ordinal)).Sum(l => l.Value);
        Assert.That(Family("mmlu"), Is.EqualTo(13));
        Assert.That(Family("arc_easy"), Is.EqualTo(3));
        Assert.That(Family("piqa"), Is.EqualTo(2));
        Assert.That(Family("obqa"), Is.EqualTo(14));
        Assert.That(leaks.Where(l => l.Key is "siqa" or "csqa" or "boolq" or "winogrande" or "arc_challenge").Sum(l => l.Value), Is.Zero);

        // Across tasks, MMLU repeats questions between subjects: the pool's mixture must exclude those too.
        var all = LeakageGuard.ForTasks(Data.Value.Tasks);
        Assert.That(Data.Value.Tasks.Sum(t => t.Train.Count(all.Leaks)), Is.EqualTo(13 + 3 + 2 + 14 + 7 + 12));
    }

    [Test]
    public void EveryPromptFitsTheStories260KBudgetAndWinograndeFillsItsBlank()
    {
        TestData.Require("qa");
        var budget = PromptBudget.FromTokens(512);
        foreach (var task in Data.Value.Tasks.Where(t => t.Task.Name is "winogrande" or "boolq" or "siqa"))
            foreach (var item in task.Train.Concat(task.Test))
            {
                var prompts = QaPrompt.ForScoring(item, budget).Choices;
                if (prompts.Count != item.Choices.Count) Assert.Fail($"{item.Id}: {prompts.Count} prompts for {item.Choices.Count} choices");
                for (var i = 0; i < prompts.Count; i++)
                {
                    if (prompts[i].Text.Length > budget.MaxChars) Assert.Fail($"{item.Id} choice {i}: {prompts[i].Text.Length} chars");
                    if (task.Task.Name == "winogrande" && prompts[i].Text != item.Question.Replace("_", item.Choices[i]))
                        Assert.Fail($"{item.Id} choice {i}: '{prompts[i].Text}' is not the filled sentence");
                }
            }
    }
}
