using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Crayon.Server.Hosting;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// Bad requests get clear 4xx answers naming the field; the API key, the bounded queue, the time limit
/// and graceful shutdown behave as documented. The engine's only context is held by the test where
/// a request must wait, so nothing depends on timing luck.
/// </summary>
public class ServerLimitsTests
{
    private static async Task<(int Status, string Body, HttpResponseMessage Response)> Send(HttpClient http, string path, string json, string contentType = "application/json")
    {
        var content = new StringContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        var response = await http.PostAsync(path, content);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    private static string Message(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("message").GetString()!;

    [Test]
    public async Task BadRequestsGetAClearErrorNamingTheField()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { MaxBodyBytes = 4096 });
        using var http = ServedStories.Client(server);
        (string Path, string Body, int Status, string Says)[] cases =
        [
            ("v1/completions", "{\"prompt\": ", 400, "not valid JSON (line 1"),
            ("v1/completions", "[1,2]", 400, "must be a JSON object"),
            ("v1/completions", "{}", 400, "field 'prompt' is required"),
            ("v1/completions", "{\"prompt\":\"x\",\"max_tokens\":-3}", 400, "field 'max_tokens' must be an integer between 0 and 512, got -3"),
            ("v1/completions", "{\"prompt\":\"x\",\"max_tokens\":100000}", 400, "field 'max_tokens'"),
            ("v1/completions", "{\"prompt\":\"x\",\"temperature\":\"hot\"}", 400, "field 'temperature' must be a number"),
            ("v1/completions", "{\"prompt\":\"x\",\"top_p\":1.5}", 400, "field 'top_p'"),
            ("v1/completions", "{\"prompt\":\"x\",\"seed\":-1}", 400, "field 'seed'"),
            ("v1/completions", "{\"prompt\":\"x\",\"stop\":[\"a\",\"\"]}", 400, "field 'stop[1]' must not be an empty string"),
            ("v1/completions", "{\"prompt\":\"x\",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}", 400, "field 'stop' has 5 entries"),
            ("v1/completions", "{\"prompt\":[1,2,3]}", 400, "token ids"),
            ("v1/completions", "{\"prompt\":\"x\",\"n\":2}", 400, "field 'n' must be 1"),
            ("v1/completions", "{\"prompt\":\"x\",\"presence_penalty\":0.5}", 400, "field 'presence_penalty' is not supported"),
            ("v1/completions", "{\"prompt\":\"x\",\"logprobs\":50}", 400, "field 'logprobs'"),
            ("v1/completions", "{\"prompt\":[\"a\",\"b\"],\"stream\":true}", 400, "field 'stream' takes one prompt"),
            ("v1/completions", "{\"prompt\":\"x\",\"model\":\"gpt-4\"}", 404, "model 'gpt-4' is not served here; this server serves 'stories260K'"),
            ("v1/completions", "{\"prompt\":\"" + new string('a', 5000) + "\"}", 413, "has 5,013 bytes; the server accepts at most 4,096 bytes (--max-body)"),
            ("v1/completions", "{\"prompt\":\"" + string.Join(' ', Enumerable.Repeat("zq xv", 300)) + "\"}", 400, "field 'prompt' does not fit"),
            ("v1/chat/completions", "{\"messages\":[]}", 400, "field 'messages' must not be empty"),
            ("v1/chat/completions", "{\"messages\":[{\"role\":\"robot\",\"content\":\"hi\"}]}", 400, "field 'messages[0].role' must be one of"),
            ("v1/chat/completions", "{\"messages\":[{\"role\":\"user\"}]}", 400, "field 'messages[0].content' is required"),
            ("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\"}]}]}", 400, "field 'messages[0].content[0].type' must be \"text\""),
            ("v1/chat/completions", "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"top_logprobs\":2}", 400, "field 'top_logprobs' needs \"logprobs\": true"),
            ("v1/crayon/blend", "{\"pool\":\"p\",\"alpha\":[1]}", 404, "pool 'p' is not served: this server holds no pools"),
            ("v1/crayon/blend", "{\"pool\":\"p\",\"alpha\":[1,\"x\"]}", 400, "field 'alpha[1]' must be a finite number"),
            ("v1/crayon/blend", "{\"pool\":\"p\",\"alpha\":[1],\"mode\":\"mean\"}", 400, "field 'mode' must be \"linear\" or \"concat\""),
            ("v1/nothing", "{}", 404, "no endpoint POST /v1/nothing; this server has: GET /health"),
        ];
        foreach (var c in cases)
        {
            var (status, body, _) = await Send(http, c.Path, c.Body);
            Assert.That(status, Is.EqualTo(c.Status), $"{c.Path} {c.Body[..Math.Min(60, c.Body.Length)]}: {body}");
            Assert.That(Message(body), Does.Contain(c.Says), c.Body[..Math.Min(60, c.Body.Length)]);
        }
        var (wrongType, typeBody, _) = await Send(http, "v1/completions", "prompt=x", "application/x-www-form-urlencoded");
        Assert.That(wrongType, Is.EqualTo(415));
        Assert.That(Message(typeBody), Does.Contain("must be JSON (Content-Type: application/json)"));
        var param = JsonDocument.Parse((await Send(http, "v1/completions", "{\"prompt\":\"x\",\"top_p\":2}")).Body).RootElement.GetProperty("error").GetProperty("param").GetString();
        Assert.That(param, Is.EqualTo("top_p"), "OpenAI's error.param names the field too");
    }

    [Test]
    public async Task AnApiKeyIsRequiredEverywhereButHealth()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { ApiKey = "sesame-0123" });
        using var http = ServedStories.Client(server);
        Assert.That((int)(await http.GetAsync("health")).StatusCode, Is.EqualTo(200), "probes need no key");
        var missing = await http.GetAsync("v1/models");
        Assert.That((int)missing.StatusCode, Is.EqualTo(401));
        Assert.That(missing.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        foreach (var wrong in new[] { "Bearer sesame-0124", "Bearer sesame-012", "Basic c2VzYW1l", "Bearer " })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
            request.Headers.TryAddWithoutValidation("Authorization", wrong);
            Assert.That((int)(await http.SendAsync(request)).StatusCode, Is.EqualTo(401), wrong);
        }
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sesame-0123");
        Assert.That((int)(await http.GetAsync("v1/models")).StatusCode, Is.EqualTo(200));
        var (status, _, _) = await Send(http, "v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":2}");
        Assert.That(status, Is.EqualTo(200));
    }

    [Test]
    public async Task AFullQueueAnswers503WithRetryAfterAndTheWaitingRequestStillCompletes()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 1) with { MaxQueue = 1 });
        using var http = ServedStories.Client(server);
        var held = await server.State.Model.Engine.AcquireAsync(); // the only context
        var first = Send(http, "v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":3}");
        var second = Send(http, "v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":3}");
        await WaitUntil(() => server.State.Generation.Admitted == 2);
        var (status, body, response) = await Send(http, "v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":3}");
        Assert.That(status, Is.EqualTo(503));
        Assert.That(response.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(Message(body), Does.Contain("busy").And.Contain("--max-queue"));
        held.Dispose();
        Assert.That((await first).Status, Is.EqualTo(200));
        Assert.That((await second).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task ARequestPastTheTimeLimitGets504AndTheServerRecovers()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 1) with { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        using var http = ServedStories.Client(server);
        using (await server.State.Model.Engine.AcquireAsync())
        {
            var (status, body, _) = await Send(http, "v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":3}");
            Assert.That(status, Is.EqualTo(504));
            Assert.That(Message(body), Does.Contain("0.3 s (--request-timeout)"));
        }
        Assert.That((await Send(http, "v1/completions", "{\"prompt\":\"Hi\",\"max_tokens\":3}")).Status, Is.EqualTo(200));
    }

    [Test]
    public async Task ShutdownRefusesNewRequestsAndLetsTheOneInFlightFinish()
    {
        var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 1) with { DrainTimeout = TimeSpan.FromSeconds(20) });
        using var http = ServedStories.Client(server);
        var held = await server.State.Model.Engine.AcquireAsync();
        var inFlight = Send(http, "v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":5,\"temperature\":0}");
        await WaitUntil(() => server.State.Generation.Admitted == 1);
        var stopping = server.StopAsync();
        await WaitUntil(() => server.State.Draining);
        Assert.That((int)(await http.GetAsync("health")).StatusCode, Is.EqualTo(503), "a new request on an open connection is refused while draining");
        Assert.That(stopping.IsCompleted, Is.False, "shutdown waits for the request in flight");
        held.Dispose();
        var (status, body, _) = await inFlight;
        Assert.That(status, Is.EqualTo(200), body);
        await stopping;
        Assert.That(async () => await http.GetAsync("health"), Throws.InstanceOf<HttpRequestException>(), "the listener is closed");
    }

    [Test]
    public async Task ShutdownCancelsWhatIsStillRunningAtTheDrainDeadline()
    {
        var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 1) with { DrainTimeout = TimeSpan.FromMilliseconds(300) });
        using var http = ServedStories.Client(server);
        var held = await server.State.Model.Engine.AcquireAsync();
        var inFlight = Send(http, "v1/completions", "{\"prompt\":\"Once\",\"max_tokens\":5}");
        await WaitUntil(() => server.State.Generation.Admitted == 1);
        var stopping = server.StopAsync();
        var (status, body, _) = await inFlight;
        Assert.That(status, Is.EqualTo(503));
        Assert.That(Message(body), Does.Contain("shut down before the request finished"));
        held.Dispose();
        await stopping;
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.That(condition(), Is.True, "the server never reached the expected state");
    }
}
