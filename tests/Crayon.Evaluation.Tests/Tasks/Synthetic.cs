using Crayon.Tasks;

namespace Crayon.Tests.Tasks;

/// <summary>Small in-memory tasks for sampling tests.</summary>
internal static class Synthetic
{
    public static QaItem Item(string task, string id, string? question = null, string[]? choices = null, string? context = null) =>
        new(id, task, question ?? $"question {id} of {task}?", choices ?? ["yes", "no"], 0, context);

    public static QaTaskData Task(string name, int train, int test)
    {
        var t = new QaTask(name, name + "/train.jsonl", name + "/test.jsonl");
        return new QaTaskData(t,
            Enumerable.Range(0, train).Select(i => Item(name, $"{name}-train-{i}")).ToArray(),
            Enumerable.Range(0, test).Select(i => Item(name, $"{name}-test-{i}")).ToArray());
    }
}
