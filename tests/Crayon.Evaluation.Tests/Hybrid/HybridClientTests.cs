using Crayon.Tasks;
using Crayon.Tests.Support;
using Crayon.Hybrid;
using Crayon.Hybrid.Endpoint;
using Crayon.Llama;
using Crayon.Routing;
using Crayon.Server.Hosting;
using Crayon.Tests.Llama;
using Crayon.Tests.Server;
using NUnit.Framework;

namespace Crayon.Tests.Hybrid;

/// <summary>
/// The device side against a real server and against servers that fail: routed queries are answered by
/// the server model, every decision carries its reason, and no server failure reaches the caller.
/// </summary>
[Category(PathAgreement.Category)]
public class HybridClientTests
{
    private HybridFixture _device = null!;
    private CrayonServer _server = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ServedStories.StartAsync();
        _device = new HybridFixture();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _server.DisposeAsync();
        _device.Dispose();
    }

    [Test]
    public async Task RatioZeroKeepsEverythingOnTheDeviceAndRatioOneSendsEverythingToTheServer()
    {
        using var local = ServedStories.LoadLocal();
        using var serverModelLocally = local.CreateContext(LlamaTestRuntime.Context(512));
        var none = await _device.Client(_server.BaseUrl, 0).AnswerAllAsync(HybridFixture.Queries.AsQueries());
        var all = await _device.Client(_server.BaseUrl, 1).AnswerAllAsync(HybridFixture.Queries.AsQueries());
        for (var i = 0; i < HybridFixture.Queries.Count; i++)
        {
            var query = HybridFixture.Queries[i].AsQuery();
            var onDevice = _device.Device.Answer(query);
            Assert.That(none[i].Source, Is.EqualTo(AnswerSource.Device));
            Assert.That(none[i].Predicted, Is.EqualTo(onDevice.Predicted));
            Assert.That(none[i].BytesSent, Is.Zero, "nothing leaves the device");
            Assert.That(none[i].Why, Does.StartWith("device: similarity ").And.Contain("never route"));

            var serverScore = Crayon.Evaluation.QaModelScorer.Score(serverModelLocally, query.Item);
            Assert.That(all[i].Source, Is.EqualTo(AnswerSource.Server), all[i].Why);
            PathAgreement.LogLikelihood.AssertClose(all[i].Server!.Scores, serverScore.Scores, $"query {i}: the server model's own scores, through HTTP vs locally");
            Assert.That(all[i].Predicted, Is.EqualTo(serverScore.Predicted));
            Assert.That(all[i].AnswerText, Is.EqualTo(query.Item.Choices[serverScore.Predicted]));
            Assert.That(all[i].BytesSent, Is.GreaterThan(query.Item.Question.Length));
            Assert.That(all[i].Why, Does.StartWith("server: similarity ").And.Contain("always route"));
        }
        Assert.That(all.Select(a => a.Server!.Scores), Is.Not.EqualTo(none.Select(a => a.Device!.Scores)), "the adapter makes the device differ");
    }

    [Test]
    public async Task AQueryOfManyTokensPerCharacterIsCutAsTheDeviceCutsItAndTheServerAnswersIt()
    {
        // A boolq passage of rare words: stories260K's 512-piece vocabulary spends about a token per character on it, so at the
        // character budget of a 512-token context it does not fit (the recorded benchmark's server refused 16 such items before this).
        Crayon.Tests.Support.TestData.Require("qa/boolq/test.jsonl");
        var query = Crayon.Tasks.TaskCatalog.Open(DataDirectory.Resolve()).Get("boolq").Load().Test.Single(i => i.Id == "boolq-dev-1349").AsQuery();
        Assert.That(_device.Device.BudgetFor(query).MaxChars, Is.LessThan(_device.Device.Budget.MaxChars));
        var answer = await _device.Client(_server.BaseUrl, 1).AnswerAsync(query);
        Assert.That(answer.Source, Is.EqualTo(AnswerSource.Server), answer.Failure?.ToString());
        using var local = ServedStories.LoadLocal();
        using var serverModelLocally = local.CreateContext(LlamaTestRuntime.Context(512));
        PathAgreement.LogLikelihood.AssertClose(answer.Server!.Scores, Crayon.Evaluation.QaModelScorer.Score(serverModelLocally, query.Item).Scores, "the same cut text on both sides: server vs local");
    }

    [Test]
    public async Task OutOfScopeQueriesAreRoutedFirst()
    {
        // Calibrated to route half of queries like the user's: the far-away anatomy questions go, with reasons.
        var answers = await _device.Client(_server.BaseUrl, 0.5).AnswerAllAsync(HybridFixture.Queries.AsQueries());
        var similarity = answers.ToDictionary(a => a.Key, a => a.Decision.Similarity);
        Assert.That(similarity["q3"], Is.LessThan(similarity["q1"]));
        Assert.That(answers.Where(a => a.Key.StartsWith("q3") || a.Key.StartsWith("q4")).Select(a => a.Source), Is.All.EqualTo(AnswerSource.Server));
        foreach (var a in answers)
            Assert.That(a.Why, Does.Contain($"similarity {a.Decision.Similarity.ToString("G5", System.Globalization.CultureInfo.InvariantCulture)}"));
    }

    [Test]
    public async Task TheConfidencePolicyMeasuresTheDeviceFirst()
    {
        var answer = await _device.Client(_server.BaseUrl, 1, policy: RoutingPolicy.Confidence).AnswerAsync(HybridFixture.Queries[0].AsQuery());
        Assert.That(answer.Decision.Confidence, Is.EqualTo(Crayon.Routing.RoutingSignals.ChoiceMargin(_device.Device.Answer(HybridFixture.Queries[0].AsQuery()).Scores)).Within(1e-12));
        Assert.That(answer.Device, Is.Not.Null);
        Assert.That(answer.Why, Does.Contain("confidence"));
    }

    private static IEnumerable<TestCaseData> Failures()
    {
        yield return new TestCaseData(null, ServerFailureKind.Timeout, "no answer within 0.3 s").SetName("a server that never answers");
        yield return new TestCaseData(MisbehavingServer.Http200("application/json", "{\"choices\": [ {\"text\": 1"), ServerFailureKind.Garbage, "not JSON").SetName("truncated JSON");
        yield return new TestCaseData(MisbehavingServer.Http200("application/json", "{\"choices\":[]}"), ServerFailureKind.Garbage, "choices has 0 entries").SetName("JSON of the wrong shape");
        yield return new TestCaseData(MisbehavingServer.Http200("application/json", "{\"choices\":[" + string.Join(",", Enumerable.Range(0, 3).Select(i => $"{{\"index\":{i},\"text\":\"Ben saw something else\",\"logprobs\":null}}")) + "]}"), ServerFailureKind.Garbage, "does not echo").SetName("an answer without echo");
        yield return new TestCaseData(MisbehavingServer.Http200("text/html", "<html>502 Bad Gateway</html>"), ServerFailureKind.Garbage, "not JSON").SetName("an HTML page");
        yield return new TestCaseData("\u0000\u0001 not http at all\r\n\r\n"u8.ToArray(), ServerFailureKind.Garbage, "'\\x00\\x01 not http at all'").SetName("bytes that are not HTTP");
        yield return new TestCaseData("\u001b]0;pwned\u0007\u001b[2J\r\n\r\n"u8.ToArray(), ServerFailureKind.Garbage, "\\x1b[2J").SetName("terminal escapes instead of HTTP");
        yield return new TestCaseData("HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 36\r\nConnection: close\r\n\r\n{\"error\":{\"message\":\"GPU on fire\"}}\r\n"u8.ToArray(), ServerFailureKind.HttpError, "HTTP 500 Internal Server Error: GPU on fire").SetName("an HTTP 500");
    }

    [TestCaseSource(nameof(Failures))]
    public async Task AFailingServerYieldsTheDeviceAnswerMarkedWithTheReason(byte[]? answer, ServerFailureKind kind, string reason)
    {
        await using var bad = new MisbehavingServer(answer);
        var client = _device.Client(bad.BaseUrl, 1, TimeSpan.FromMilliseconds(300), model: "any");
        var query = HybridFixture.Queries[0].AsQuery();
        var result = await client.AnswerAsync(query);
        Assert.That(result.Source, Is.EqualTo(AnswerSource.DeviceFallback));
        Assert.That(result.Failure!.Kind, Is.EqualTo(kind), result.Failure.ToString());
        Assert.That(result.Failure.Reason, Does.Contain(reason));
        Assert.That(result.Why.Any(char.IsControl), Is.False, "the server's bytes reach a terminal: no control characters, one line");
        Assert.That(result.Predicted, Is.EqualTo(_device.Device.Answer(query).Predicted), "the device's own answer");
        Assert.That(result.Why, Does.StartWith("server: similarity").And.Contain("the server failed").And.Contain("so the device answered"));

        var text = await client.GenerateAsync("Once upon a time", maxTokens: 8);
        Assert.That(text.Source, Is.EqualTo(AnswerSource.DeviceFallback));
        Assert.That(text.Text, Is.EqualTo(_device.Context.GenerateText("Once upon a time", new GenerationOptions { MaxTokens = 8 })).And.Not.Empty);
    }

    [Test]
    public async Task AServerThatIsDownOrRefusesTheRequestYieldsTheDeviceAnswer()
    {
        var port = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        port.Start();
        var closed = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)port.LocalEndpoint).Port}/");
        port.Stop();
        var down = await _device.Client(closed, 1).AnswerAsync(HybridFixture.Queries[2].AsQuery());
        Assert.That(down.Source, Is.EqualTo(AnswerSource.DeviceFallback));
        Assert.That(down.Failure!.Kind, Is.EqualTo(ServerFailureKind.Unreachable));

        var wrongModel = await _device.Client(_server.BaseUrl, 1, model: "gpt-4").AnswerAsync(HybridFixture.Queries[2].AsQuery());
        Assert.That(wrongModel.Source, Is.EqualTo(AnswerSource.DeviceFallback));
        Assert.That(wrongModel.Failure!.ToString(), Is.EqualTo("httperror: HTTP 404 Not Found: model 'gpt-4' is not served here; this server serves 'stories260K' (see GET /v1/models)"));
    }

    [Test]
    public async Task FreeTextQueriesGoToTheServerCompletionEndpoint()
    {
        var answer = await _device.Client(_server.BaseUrl, 1).GenerateAsync("Once upon a time", maxTokens: 12);
        using var local = ServedStories.LoadLocal();
        using var context = local.CreateContext(LlamaTestRuntime.Context(512));
        Assert.That(answer.Source, Is.EqualTo(AnswerSource.Server));
        Assert.That(answer.Text, Is.EqualTo(context.GenerateText("Once upon a time", new GenerationOptions { MaxTokens = 12 })));
        Assert.That(answer.DeviceText, Is.Null, "the similarity policy did not need the device's answer");
        var kept = await _device.Client(_server.BaseUrl, 0, policy: RoutingPolicy.Confidence).GenerateAsync("Once upon a time", maxTokens: 12);
        Assert.That(kept.Source, Is.EqualTo(AnswerSource.Device));
        Assert.That(kept.Decision.Confidence, Is.LessThan(0), "mean token log-probability of the device's answer");
        var empty = (await Assert.ThrowsAsync<ArgumentException>(() => _device.Client(_server.BaseUrl, 1).GenerateAsync("")))!;
        Assert.That(empty.Message, Does.StartWith("the prompt is empty"), "not the router's 'query has no key'");
    }
}

/// <summary>Centered routing similarity: cos(q - c, q_c - c), used alike for queries and for the calibration's leave-one-out.</summary>
public class CenteredSimilarityTests
{
    [Test]
    public void ACenterIsSubtractedFromQueryAndTaskBeforeTheCosine()
    {
        using var fixture = new HybridFixture();
        var reference = HybridFixture.Queries.Concat(HybridFixture.Examples).ToArray();
        var budget = Crayon.Evaluation.QaModelScorer.BudgetFor(512);
        var center = HybridDevice.CenterOf(fixture.Embedder, reference.AsQueries(), EmbeddingSignal.Hidden, budget);
        var (taskEmbedding, embeddings) = HybridDevice.TaskEmbeddingOf(fixture.Embedder, HybridFixture.Examples.AsQueries(), EmbeddingSignal.Hidden, budget);
        var centered = new HybridDevice(fixture.Context, fixture.Embedder, taskEmbedding, EmbeddingSignal.Hidden, center);
        var raw = new HybridDevice(fixture.Context, fixture.Embedder, taskEmbedding, EmbeddingSignal.Hidden);

        var query = centered.Embed(HybridFixture.Queries[2].AsQuery());
        double Cos(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(x => (double)x * x));
        float[] Minus(float[] a) => a.Zip(center, (x, y) => x - y).ToArray();
        Assert.That(centered.Similarity(query), Is.EqualTo(Cos(Minus(query), Minus(taskEmbedding))).Within(1e-6));
        Assert.That(raw.Similarity(query), Is.EqualTo(Cos(query, taskEmbedding)).Within(1e-6));
        Assert.That(centered.Similarity(query), Is.LessThan(raw.Similarity(query)), "the common component no longer counts");

        var calibration = RouterCalibration.Signals(centered, HybridFixture.Examples.AsQueries(), embeddings, withConfidence: false);
        var others = embeddings.Skip(1).ToArray();
        var meanOfOthers = Enumerable.Range(0, center.Length).Select(j => others.Average(e => e[j])).Select(v => (float)v).ToArray();
        Assert.That(calibration[0].Similarity, Is.EqualTo(Cos(Minus(embeddings[0]), Minus(meanOfOthers))).Within(1e-5), "leave-one-out, centered");
        Assert.That(() => new HybridDevice(fixture.Context, fixture.Embedder, taskEmbedding, EmbeddingSignal.Hidden, new float[3]),
            Throws.ArgumentException.With.Message.Contains("the center has 3 values but q_c has 64"));
    }
}
