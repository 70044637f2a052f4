using System.Net;
using Crayon.Benchmarking;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// The server under load on loopback: 1,000 real completions from 16 concurrent clients without a
/// failure, and 1,000 malformed or oversized requests each refused with a 4xx while the server stays
/// healthy. Latency is reported, never asserted (benchmarks/results holds a recorded run).
/// </summary>
public class ServerLoadTests
{
    private const int Requests = 1000, Clients = 16;

    [Test]
    public async Task AThousandCompletionsFromSixteenClientsAllSucceed()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 2));
        using var http = ServedStories.Client(server);
        string[] prompts = ["Once upon a time", "Lily and Tom", "The big dog", "One day, a little bird"];
        var result = await HttpLoad.RunAsync(http, Requests, Clients,
            i => new HttpRequestMessage(HttpMethod.Post, "v1/completions")
            {
                Content = ServedStories.Json($$"""{"prompt":"{{prompts[i % prompts.Length]}}","max_tokens":8,"temperature":0.7,"seed":{{i}}}"""),
            },
            (status, body) => status == HttpStatusCode.OK && body.Contains("\"text_completion\"", StringComparison.Ordinal));
        TestContext.Out.WriteLine($"load: {result}");
        Assert.That(result.FailureSamples, Is.Empty);
        Assert.That(result.Statuses, Is.EquivalentTo(new Dictionary<int, int> { [200] = Requests }));
    }

    [Test]
    public async Task AThousandMalformedOrOversizedRequestsGet4xxAndTheServerStaysHealthy()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 2) with { MaxBodyBytes = 16 * 1024 });
        using var http = ServedStories.Client(server);
        var kinds = MalformedRequests.Kinds(16 * 1024);
        var result = await HttpLoad.RunAsync(http, Requests, Clients, i => kinds[i % kinds.Count](), (status, _) => (int)status is >= 400 and < 500);
        TestContext.Out.WriteLine($"malformed: {result}");
        Assert.That(result.FailureSamples, Is.Empty);
        Assert.That(result.Statuses.Keys, Is.SupersetOf(new[] { 400, 404, 413, 415 }));

        Assert.That((int)(await http.GetAsync("health")).StatusCode, Is.EqualTo(200));
        var (status, body) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once upon a time","max_tokens":5,"temperature":0}""");
        Assert.That(status, Is.EqualTo(200));
        Assert.That(body.GetProperty("choices")[0].GetProperty("text").GetString(), Is.Not.Empty);
    }
}
