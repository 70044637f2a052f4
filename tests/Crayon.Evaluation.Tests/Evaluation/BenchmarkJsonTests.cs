using System.Text.Json;
using Crayon.Evaluation;
using NUnit.Framework;

namespace Crayon.Tests.Evaluation;

public class BenchmarkJsonTests
{
    private static readonly BenchmarkReport<CustomizationRecord> Report = new()
    {
        Benchmark = "customize",
        Settings = new SortedDictionary<string, string> { ["seed"] = "42", ["model"] = "stories260K" },
        Records =
        [
            new CustomizationRecord { Task = "siqa", K = 8, Rank = 4, TestItems = 500, BaseNll = 3, CrayonNll = 2.5, OracleNll = 2, BaseAcc = 0.3, CrayonAcc = 0.4 },
            new CustomizationRecord { Task = "mmlu/anatomy", K = 32, Rank = 8, TestItems = 135, BestSingleNll = 1.25 },
        ],
    };

    [Test]
    public void CustomizationReportsUseSnakeCaseAndRoundTrip()
    {
        var path = Path.Combine(Path.GetTempPath(), "crayon-json-" + Guid.NewGuid().ToString("N"), "out", "customize.json");
        try
        {
            BenchmarkJson.Write(path, Report);
            var json = File.ReadAllText(path);
            using var doc = JsonDocument.Parse(json);
            var first = doc.RootElement.GetProperty("records")[0];
            Assert.That(doc.RootElement.GetProperty("benchmark").GetString(), Is.EqualTo("customize"));
            Assert.That(first.GetProperty("task").GetString(), Is.EqualTo("siqa"));
            Assert.That(first.GetProperty("base_nll").GetDouble(), Is.EqualTo(3));
            Assert.That(first.GetProperty("best_single_nll").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(first.GetProperty("crayon_acc").GetDouble(), Is.EqualTo(0.4));
            Assert.That(first.GetProperty("gap_closed").GetDouble(), Is.EqualTo(0.5));
            Assert.That(first.GetProperty("test_items").GetInt32(), Is.EqualTo(500));

            var back = BenchmarkJson.ReadCustomization(path);
            Assert.That(back.Records, Is.EqualTo(Report.Records));
            Assert.That(back.Settings["seed"], Is.EqualTo("42"));
            Assert.That(BenchmarkJson.Serialize(back), Is.EqualTo(json.TrimEnd('\n')), "same input, same bytes");
            Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!), Has.Length.EqualTo(1), "no temporary file left behind");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(path))!, recursive: true);
        }
    }

    [Test]
    public void HybridReportsCarryTheIssueFields()
    {
        var report = new BenchmarkReport<HybridRecord>
        {
            Benchmark = "hybrid",
            Records = [new HybridRecord { Set = "mixed", Policy = "similarity", Ratio = 0.25, Accuracy = 0.5, BytesSent = 310.5, Queries = 8, Routed = 2 }],
        };
        using var doc = JsonDocument.Parse(BenchmarkJson.Serialize(report));
        var record = doc.RootElement.GetProperty("records")[0];
        foreach (var field in new[] { "set", "policy", "ratio", "accuracy", "bytes_sent", "queries", "routed" })
            Assert.That(record.TryGetProperty(field, out _), field);
    }

    [Test]
    public void AFileThatIsNotAReportIsNamed()
    {
        var path = Path.Combine(Path.GetTempPath(), "crayon-json-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            File.WriteAllText(path, """{"benchmark": "customize", "records": [{"task": "x"}]}""");
            var error = Assert.Throws<InvalidDataException>(() => BenchmarkJson.ReadCustomization(path))!;
            Assert.That(error.Message, Does.StartWith(path).And.Contain("not a valid CustomizationRecord benchmark report"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
