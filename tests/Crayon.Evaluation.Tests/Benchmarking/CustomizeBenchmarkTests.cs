using System.Text.Json;
using Crayon.Benchmarking.Customize;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Benchmarking;

/// <summary>
/// `bench customize` end to end at toy size (2 tasks, K 4, 2 adapters of rank 2, 6 test items): every method scored,
/// the files written, and a rerun from the cache gives the same numbers byte for byte.
/// </summary>
public class CustomizeBenchmarkTests : TempFolderTest
{
    /// <summary>The smallest settings that still build a pool and score every method (also the leave-tasks-out tests' base).</summary>
    internal static readonly CustomizeBenchmarkSettings Toy = new()
    {
        Tasks = ["csqa", "obqa"],
        Ks = [4],
        Ranks = [2],
        Adapters = 2,
        PerTaskCap = 10,
        ValidationCap = 4,
        TestItems = 6,
        OracleCap = 10,
        Epochs = 1,
        SearchEvaluations = 3,
        ContextLength = 64,
        MinClusterExamples = 4,
        Alpha = new AlphaOptions { Temperature = 0.5 },
        Mode = CustomizationMode.Concat,
    };

    [Test]
    public void EveryMethodIsScoredAndARerunFromTheCacheRepeatsTheNumbers()
    {
        var cache = PathIn("cache");
        var first = CustomizeBenchmark.Run(TrainingFixture.Model, Toy, cacheFolder: cache);
        CustomizeReport.WriteJson(PathIn("first.json"), first);
        var figures = CustomizeFigures.Write(PathIn("first"), first);

        Assert.That(first.Records.Select(r => (r.Task, r.K, r.Rank, r.TestItems)), Is.EqualTo(new[] { ("csqa", 4, 2, 6), ("obqa", 4, 2, 6) }));
        foreach (var method in Enum.GetValues<CustomizationMethod>())
            Assert.That(first.Records.Select(r => r.Nll(method)), Is.All.Not.Null.And.All.GreaterThan(0), method.ToString());
        Assert.That(first.Pools.Single().Clusters, Is.Not.Null, "built, not cached, the first time");
        Assert.That(first.Alphas.Select(a => a.Alpha.Sum()), Is.All.EqualTo(1).Within(1e-9));
        var costs = first.Costs.First();
        Assert.That((costs.BestSingleForwardPasses, costs.SearchEvaluations, costs.SearchForwardPasses), Is.EqualTo((2 * 4, 3, 3 * 4)));
        Assert.That(costs.Crayon.Embed, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(costs.Crayon.Swap, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(figures.Select(Path.GetFileName), Is.EquivalentTo(new[] { "first-alpha.svg", "first-nll-vs-k.svg", "first-acc-vs-k.svg", "first-nll-vs-rank.svg", "first-acc-vs-rank.svg" }));
        Assert.That(File.ReadAllText(PathIn("first-alpha.svg")), Does.StartWith("<svg").Or.StartWith("<?xml"));

        var report = BenchmarkJson.ReadCustomization(PathIn("first.json"));
        Assert.That(report.Records, Is.EqualTo(first.Records));
        using (var details = JsonDocument.Parse(File.ReadAllText(PathIn("first.details.json"))))
        {
            var crayon = details.RootElement.GetProperty("costs")[0].GetProperty("crayon_ms");
            Assert.That(new[] { "embed", "alpha", "blend", "swap", "total" }.Select(k => crayon.TryGetProperty(k, out _)), Is.All.True);
        }

        var second = CustomizeBenchmark.Run(TrainingFixture.Model, Toy, cacheFolder: cache);
        CustomizeReport.WriteJson(PathIn("second.json"), second);
        Assert.That(second.Pools.Single().Clusters, Is.Null, "the pool came from the cache");
        Assert.That(File.ReadAllBytes(PathIn("second.json")), Is.EqualTo(File.ReadAllBytes(PathIn("first.json"))));
        Assert.That(CustomizeReport.Markdown(second, Crayon.Benchmarking.MachineInfo.Current()), Does.Contain("| csqa |").And.Contain("gap closed"));
    }
}
