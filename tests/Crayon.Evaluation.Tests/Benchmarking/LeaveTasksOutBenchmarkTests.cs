using System.IO.Compression;
using System.Text;
using Crayon.Benchmarking.Customize;
using Crayon.Customization;
using Crayon.Evaluation;
using Crayon.Tests.Support;
using Crayon.Tests.Training;
using NUnit.Framework;

namespace Crayon.Tests.Benchmarking;

/// <summary>
/// `bench customize --leave-out` at toy size: the pool never sees the left-out task, only that task is evaluated, and every
/// method's per-item NLLs are kept (written as x.items.csv.gz) so the report's paired standard errors can be recomputed.
/// </summary>
public class LeaveTasksOutBenchmarkTests : TempFolderTest
{
    private static readonly CustomizeBenchmarkSettings Toy = CustomizeBenchmarkTests.Toy with { Tasks = ["csqa", "obqa", "siqa"], LeaveOut = ["obqa"] };

    [Test]
    public void ThePoolNeverSeesTheLeftOutTaskAndOnlyItIsScoredItemByItem()
    {
        var result = CustomizeBenchmark.Run(TrainingFixture.Model, Toy, cacheFolder: PathIn("cache"));

        var record = result.Records.Single();
        Assert.Multiple(() =>
        {
            Assert.That(record.Task, Is.EqualTo("obqa"));
            Assert.That(result.Pools.Single().Clusters!.SelectMany(c => c.Tasks.Select(t => t.Task)).Distinct(), Is.EquivalentTo(new[] { "csqa", "siqa" }),
                "the pool trained on csqa and siqa only");
            Assert.That((record.SearchNll, record.OracleNll), Is.EqualTo(((double?)null, (double?)null)), "no search or oracle when leaving tasks out");
            Assert.That(new[] { record.BaseNll, record.UniformNll, record.BestSingleNll, record.CrayonNll }, Is.All.Not.Null);
        });

        var items = result.ItemsOf(record)!;
        Assert.That(items.ItemIds, Has.Count.EqualTo(6).And.Unique);
        Assert.That(items.Nll[CustomizationMethod.Crayon].Average(), Is.EqualTo(record.CrayonNll!.Value).Within(1e-9), "the record's mean is the items' mean");
        var vsBase = result.Paired(record, CustomizationMethod.Base)!.Value;
        Assert.That(vsBase.Mean, Is.EqualTo(record.CrayonNll!.Value - record.BaseNll!.Value).Within(1e-9));
        var differences = items.Nll[CustomizationMethod.Crayon].Zip(items.Nll[CustomizationMethod.Base], (c, b) => c - b).ToArray();
        var sd = Math.Sqrt(differences.Sum(d => (d - vsBase.Mean) * (d - vsBase.Mean)) / 5);
        Assert.That(vsBase.StandardError, Is.EqualTo(sd / Math.Sqrt(6)).Within(1e-12), "standard error of the mean paired difference, n − 1 in the variance");

        CustomizeReport.WriteJson(PathIn("run.json"), result);
        var back = ItemNllsFile.Read(PathIn("run.items.csv.gz")).Single();
        Assert.That(back.ItemIds, Is.EqualTo(items.ItemIds));
        Assert.That(back.Nll.Keys, Is.EquivalentTo(new[] { CustomizationMethod.Base, CustomizationMethod.Uniform, CustomizationMethod.BestSingle, CustomizationMethod.Crayon }));
        Assert.That(back.Nll[CustomizationMethod.Uniform], Is.EqualTo(items.Nll[CustomizationMethod.Uniform]).Within(5e-7), "six decimals");
        var markdown = CustomizeReport.Markdown(result, Crayon.Benchmarking.MachineInfo.Current());
        Assert.That(markdown, Does.Contain("the pool was built without obqa").And.Contain("crayon − base ± SE").And.Contain(" ± "));
    }

    [Test]
    public void ALeftOutTaskOutsideTheRunOrEveryTaskLeftOutIsRefused()
    {
        Assert.That(() => CustomizeBenchmark.Run(TrainingFixture.Model, Toy with { LeaveOut = ["piqa"] }),
            Throws.ArgumentException.With.Message.Contains("piqa").And.Message.Contains("not one of the run's tasks"));
        Assert.That(() => CustomizeBenchmark.Run(TrainingFixture.Model, Toy with { LeaveOut = Toy.Tasks }),
            Throws.ArgumentException.With.Message.Contains("every task is left out"));
    }

    [Test]
    public void TheDrawnLeftOutTasksAreFixedByTheSeedAndAreStandardTasks()
    {
        var settings = CustomizeBenchmarkSettings.Quick;
        var drawn = settings.DrawLeaveOut(4);
        Assert.That(drawn, Has.Count.EqualTo(4).And.Unique);
        Assert.That(drawn, Is.SubsetOf(Crayon.Tasks.TaskCatalog.StandardTasks));
        Assert.That(settings.DrawLeaveOut(4), Is.EqualTo(drawn), "same seed, same draw");
        Assert.That(Enumerable.Range(2, 6).Select(seed => string.Join(",", (settings with { Seed = seed }).DrawLeaveOut(4))).Distinct().Count(), Is.GreaterThan(1),
            "another seed draws another set");
        Assert.That(() => settings.DrawLeaveOut(8), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("between 1 and 7"));
    }

    [Test]
    public void AnItemsFileWithAnotherHeaderOrABadNumberIsRefusedByLine()
    {
        void Write(string name, string text)
        {
            using var file = File.Create(PathIn(name));
            using var gzip = new GZipStream(file, CompressionLevel.Fastest);
            gzip.Write(Encoding.UTF8.GetBytes(text));
        }
        Write("header.csv.gz", "task,k\n");
        Assert.That(() => ItemNllsFile.Read(PathIn("header.csv.gz")), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("line 1"));
        Write("number.csv.gz", ItemNllsFile.Header + "\nsiqa,32,4,a,1.5,2,,,x,\n");
        Assert.That(() => ItemNllsFile.Read(PathIn("number.csv.gz")), Throws.InstanceOf<InvalidDataException>().With.Message.Contains("line 2").And.Message.Contains("crayon 'x'"));
    }
}
