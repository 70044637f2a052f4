using Crayon.Hybrid.ServerModel;
using Crayon.Importers.Llama2c;
using Crayon.Tasks;
using Crayon.Tests.Llama;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Hybrid;

/// <summary>
/// The server model's recipe on the real model and data at toy size: trained once and then taken from the cache, the
/// same bytes from a second cold build, and never a test item of any task in its training data.
/// </summary>
public class ServerModelCacheTests : TempFolderTest
{
    private string UntiedBase()
    {
        var path = PathIn("stories-untied.gguf");
        if (!File.Exists(path))
            Llama2cImporter.Import(TestData.Require("models/stories260K.bin"), TestData.Require("models/tok512.bin"), path, new Llama2cImportOptions(WriteOutputTensor: true));
        LlamaTestRuntime.Ensure();
        return path;
    }

    [Test]
    public void TrainsOnceThenReusesAndASecondColdBuildGivesTheSameBytes()
    {
        var catalog = TaskCatalog.Open(DataDirectory.Resolve());
        var first = ServerModelCache.GetOrBuild(ServerModelRecipe.Tiny, UntiedBase(), catalog, PathIn("cache-a"));
        Assert.That(first.Statistics, Is.Not.Null, "trained on the first call");
        Assert.That(first.Statistics!.Texts, Is.EqualTo(first.TrainingItems).And.EqualTo(24));
        Assert.That(first.Path, Does.StartWith(PathIn("cache-a")).And.Contain("server-tiny-"));
        Assert.That(File.ReadAllText(Path.ChangeExtension(first.Path, ".txt")), Does.Contain("epochs=1").And.Contain("obqa 12"));

        var again = ServerModelCache.GetOrBuild(ServerModelRecipe.Tiny, UntiedBase(), catalog, PathIn("cache-a"));
        Assert.That(again.Statistics, Is.Null, "reused from the cache");
        Assert.That(again.Path, Is.EqualTo(first.Path));

        var elsewhere = ServerModelCache.GetOrBuild(ServerModelRecipe.Tiny, UntiedBase(), catalog, PathIn("cache-b"));
        Assert.That(File.ReadAllBytes(elsewhere.Path), Is.EqualTo(File.ReadAllBytes(first.Path)), "deterministic for a seed");
        Assert.That(File.ReadAllBytes(first.Path), Is.Not.EqualTo(File.ReadAllBytes(UntiedBase())), "the weights changed");

        var reseeded = ServerModelCache.GetOrBuild(ServerModelRecipe.Tiny with { Seed = 2 }, UntiedBase(), catalog, PathIn("cache-a"));
        Assert.That(reseeded.Path, Is.Not.EqualTo(first.Path), "another seed is another model");
    }

    [Test]
    public void TheRecipesNeverTrainOnATestItem()
    {
        var catalog = TaskCatalog.Open(DataDirectory.Resolve());
        TestData.Require("qa/mmlu");
        foreach (var recipe in new[] { ServerModelRecipe.Quick, ServerModelRecipe.Full })
        {
            var items = ServerModelCache.TrainingItems(recipe, catalog);
            var tests = recipe.Tasks.Concat(catalog.MmluSubjects.Select(s => s.Name)).Select(t => catalog.Get(t).Load()).ToArray();
            var guard = LeakageGuard.ForTasks(tests);
            Assert.That(items.Where(guard.Leaks).Select(i => $"{i.Task}/{i.Id}"), Is.Empty, recipe.Name);
            Assert.That(items.Select(i => i.Task).Distinct().Count(), Is.EqualTo(recipe.Tasks.Count + catalog.MmluSubjects.Count()), $"{recipe.Name}: every task and MMLU subject");
            Assert.That(items.Where(i => !i.Task.StartsWith("mmlu/", StringComparison.Ordinal)).GroupBy(i => i.Task).Max(g => g.Count()), Is.EqualTo(recipe.ItemsPerTask));
        }
    }
}
