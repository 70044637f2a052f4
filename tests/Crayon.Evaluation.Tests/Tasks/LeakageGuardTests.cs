using Crayon.Tasks;
using NUnit.Framework;

namespace Crayon.Tests.Tasks;

public class LeakageGuardTests
{
    private static readonly QaItem Held = Synthetic.Item("arc", "q1", "Why is the sky blue?", ["scattering", "paint", "oceans"], context: "c");

    [Test]
    public void CatchesTheSameIdInTheSameTask()
    {
        var guard = new LeakageGuard([Held]);
        Assert.That(guard.Reason(Synthetic.Item("arc", "q1", "another question")), Does.Contain("has the id of held-out item 'q1' of arc"));
        Assert.That(guard.Leaks(Synthetic.Item("other", "q1", "another question")), Is.False, "ids are only unique within a task");
    }

    [Test]
    public void CatchesIdenticalTextEvenWithShuffledChoicesOrInAnotherTask()
    {
        var guard = new LeakageGuard([Held]);
        var copy = Synthetic.Item("mmlu/x", "z9", "Why is the sky blue?", ["oceans", "scattering", "paint"], context: "c");
        Assert.That(guard.Reason(copy), Does.Contain("same text as held-out item 'q1' of arc"));
        Assert.That(guard.Leaks(Synthetic.Item("arc", "z9", "Why is the sky blue?", ["scattering", "paint", "oceans"], context: "d")), Is.False, "the context differs");
        Assert.That(guard.Leaks(Synthetic.Item("arc", "z9", "Why is the sky blue?", ["scattering", "paint"], context: "c")), Is.False, "the choices differ");
    }

    [Test]
    public void FilterKeepsOrderAndExplainsWhatItRemoved()
    {
        var guard = new LeakageGuard([Held]);
        var items = new[] { Synthetic.Item("arc", "a"), Synthetic.Item("arc", "q1"), Synthetic.Item("arc", "b") };
        var kept = guard.Filter(items, out var removed);
        Assert.That(kept.Select(i => i.Id), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(removed.Single().Item.Id, Is.EqualTo("q1"));
    }
}
