using Crayon.Tasks;
using NUnit.Framework;

namespace Crayon.Tests.Tasks;

public class TaskCatalogTests
{
    [Test]
    public void FindsNestedTasksSortedAndChecksItemTasksOnLoad()
    {
        using var temp = new TempJsonl();
        temp.Write("qa/zeta/train.jsonl", TempJsonl.Line("t1", task: "zeta"));
        temp.Write("qa/zeta/test.jsonl", TempJsonl.Line("s1", task: "zeta"));
        temp.Write("qa/mmlu/anatomy/train.jsonl", TempJsonl.Line("t1", task: "mmlu/anatomy"));
        temp.Write("qa/mmlu/anatomy/test.jsonl", TempJsonl.Line("s1", task: "wrong"));
        Directory.CreateDirectory(Path.Combine(temp.Folder, "qa", "empty"));

        var catalog = TaskCatalog.Open(temp.Folder);

        Assert.That(catalog.Tasks.Select(t => t.Name), Is.EqualTo(new[] { "mmlu/anatomy", "zeta" }));
        Assert.That(catalog.MmluSubjects.Single().Family, Is.EqualTo("mmlu"));
        Assert.That(catalog.Get("zeta").Load().Test.Single().Id, Is.EqualTo("s1"));
        var error = Assert.Throws<QaFormatException>(() => catalog.Get("mmlu/anatomy").Load())!;
        Assert.That(error.Message, Does.Contain("task is 'wrong', expected 'mmlu/anatomy'"));
    }

    [Test]
    public void AFolderWithOnlyOneSplitIsAnError()
    {
        using var temp = new TempJsonl();
        temp.Write("qa/half/train.jsonl", TempJsonl.Line("t1", task: "half"));
        var error = Assert.Throws<InvalidDataException>(() => TaskCatalog.Open(temp.Folder))!;
        Assert.That(error.Message, Does.Contain(Path.Combine("qa", "half")).And.Contain("no test.jsonl"));
    }

    [Test]
    public void AMissingQaFolderNamesWhereItLooked()
    {
        using var temp = new TempJsonl();
        var error = Assert.Throws<DirectoryNotFoundException>(() => TaskCatalog.Open(temp.Folder))!;
        Assert.That(error.Message, Does.Contain(Path.Combine(temp.Folder, "qa")).And.Contain("CRAYON_DATA"));
    }
}
