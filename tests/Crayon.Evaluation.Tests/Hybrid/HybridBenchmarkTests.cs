using Crayon.Benchmarking;
using Crayon.Evaluation;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Routing;
using Crayon.Tasks;
using Crayon.Tests.Llama;
using Crayon.Tests.Server;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Hybrid;

/// <summary>
/// The accuracy-vs-ratio curves on real QA items, with real answers from a customized device model and
/// from the server over HTTP: at 0 % routed the curve is device-only accuracy, at 100 % server-only.
/// </summary>
public class HybridBenchmarkTests : TempFolderTest
{
    [Category(PathAgreement.Category)]
    [Test]
    public async Task TheCurveRunsFromDeviceOnlyToServerOnlyAccuracy()
    {
        TestData.Require("qa/arc_easy/test.jsonl");
        var catalog = TaskCatalog.Open(DataDirectory.Resolve());
        var settings = new HybridBenchmarkSettings
        {
            Tasks = ["arc_easy"], OutOfScope = ["mmlu/anatomy"], ItemsPerTask = 10, ItemsPerOutOfScope = 6, K = 4, RandomDraws = 3,
            Ratios = RoutingCurve.Ratios(4),
        };
        await using var server = await ServedStories.StartAsync();
        using var device = ServedStories.LoadLocal();
        using var endpoint = new OpenAiEndpoint(new OpenAiEndpointOptions { BaseUrl = server.BaseUrl });
        var customized = new List<string>();
        var adapter = Crayon.Adapters.LoraAdapterGguf.ToBytes(new Crayon.Tests.Blending.RandomAdapters(seed: 8).Pool(1, 4, StoriesPool.Targets).Adapters[0]);
        var result = await HybridBenchmark.RunAsync(device, LlamaTestRuntime.Context(512), (task, examples, _, context) =>
        {
            customized.Add($"{task}:{examples.Count}");
            using var loaded = LlamaAdapter.Load(device, adapter, "customized");
            context.ApplyAdapters(AdapterSet.Single(loaded));
        }, endpoint, catalog, settings);

        Assert.That(customized, Is.EqualTo(new[] { "arc_easy:4" }));
        Assert.That(result.Queries, Has.Count.EqualTo(16));
        Assert.That(result.Queries.Count(q => q.InScope), Is.EqualTo(10));
        Assert.That(result.Queries.All(q => q.ServerFailure is null && q.RequestBytes > 0));

        // Independent check of the server's answers: the same model scored locally.
        using (var context = device.CreateContext(LlamaTestRuntime.Context(512)))
            foreach (var q in result.Queries)
            {
                var item = catalog.Get(q.QueryTask).Load().Test.Single(i => i.Id == q.Id);
                var local = QaModelScorer.Score(context, item);
                Assert.That(q.ServerCredit, Is.EqualTo(local.Credit), q.Id);
                PathAgreement.LogLikelihood.AssertClose(q.ServerNll, local.GoldNll, $"{q.Id}: gold NLL through the server vs the local scorer");
            }
        Assert.That(result.Queries.Select(q => q.DevicePredicted), Is.Not.EqualTo(result.Queries.Select(q => q.ServerPredicted)), "device and server really differ");

        foreach (var set in new[] { HybridBenchmark.SetCustomized, HybridBenchmark.SetMixed })
        {
            var rows = result.Queries.Where(q => set == HybridBenchmark.SetMixed || q.InScope).ToArray();
            foreach (var policy in new[] { "similarity", "confidence", "combined", "random" })
            {
                var curve = result.Records.Where(r => r.Set == set && r.Policy == policy).OrderBy(r => r.Ratio).ToArray();
                Assert.That(curve, Has.Length.EqualTo(5), $"{set}/{policy}");
                Assert.That(curve[0].Ratio, Is.Zero);
                Assert.That(curve[0].Accuracy, Is.EqualTo(rows.Average(q => q.DeviceCredit)).Within(1e-12), $"{set}/{policy} at 0 %");
                Assert.That(curve[0].BytesSent, Is.Zero);
                Assert.That(curve[^1].Ratio, Is.EqualTo(1));
                Assert.That(curve[^1].Accuracy, Is.EqualTo(rows.Average(q => q.ServerCredit)).Within(1e-12), $"{set}/{policy} at 100 %");
                Assert.That(curve[^1].BytesSent, Is.EqualTo(rows.Average(q => (double)q.RequestBytes)).Within(1e-9));
                Assert.That(curve[0].Nll, Is.EqualTo(rows.Average(q => q.DeviceNll)).Within(1e-9), $"{set}/{policy} NLL at 0 %");
                Assert.That(curve[^1].Nll, Is.EqualTo(rows.Average(q => q.ServerNll)).Within(1e-9), $"{set}/{policy} NLL at 100 %");
                Assert.That(curve.All(r => r.Queries == rows.Length));
            }
        }

        var files = result.Write(PathIn("hybrid.json"), new Dictionary<string, string> { ["seed"] = "1" });
        var report = BenchmarkJson.ReadHybrid(PathIn("hybrid.json"));
        Assert.That(report.Records, Has.Count.EqualTo(2 * 4 * 5));
        Assert.That(File.ReadLines(PathIn("hybrid.queries.jsonl")).Count(), Is.EqualTo(16));
        Assert.That(files.Where(f => f.EndsWith(".svg")).Select(Path.GetFileName), Is.EquivalentTo(new[] { "hybrid.customized.svg", "hybrid.mixed.svg", "hybrid.customized.nll.svg", "hybrid.mixed.nll.svg" }));
        Assert.That(File.ReadAllText(PathIn("hybrid.mixed.svg")), Does.Contain("similarity").And.Contain("random"));
    }
}
