using System.Text.Json;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// A request may generate at most --max-request-tokens over all its prompts, and a long request shares
/// the context turn by turn: a short request sent while a many-prompt one runs is answered before it ends.
/// </summary>
public class TokenBudgetTests
{
    [Test]
    public async Task ARequestOverTheBudgetIsRefusedAndASmallerOneServed()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 1) with { MaxRequestTokens = 1000 });
        using var http = ServedStories.Client(server);
        var prompts = JsonSerializer.Serialize(Enumerable.Repeat("Once", 64).ToArray());
        var (status, body) = await ServedStories.PostAsync(http, "v1/completions", $$"""{"prompt":{{prompts}},"max_tokens":512}""");
        Assert.That(status, Is.EqualTo(400), body.ToString());
        var error = body.GetProperty("error");
        Assert.That(error.GetProperty("param").GetString(), Is.EqualTo("max_tokens"));
        Assert.That(error.GetProperty("code").GetString(), Is.EqualTo("request_token_budget_exceeded"));
        Assert.That(error.GetProperty("message").GetString(), Does.Contain("32768 tokens in all, over the server's per-request budget of 1000 tokens"));

        var (chatStatus, chat) = await ServedStories.PostAsync(http, "v1/chat/completions", """{"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":1001}""");
        Assert.That(chatStatus, Is.EqualTo(400), chat.ToString());
        Assert.That(chat.GetProperty("error").GetProperty("param").GetString(), Is.EqualTo("max_completion_tokens"));

        var (ok, answer) = await ServedStories.PostAsync(http, "v1/completions", $$"""{"prompt":{{JsonSerializer.Serialize(Enumerable.Repeat("Once", 8).ToArray())}},"max_tokens":100,"temperature":0}""");
        Assert.That(ok, Is.EqualTo(200), answer.ToString());
        Assert.That(answer.GetProperty("choices").GetArrayLength(), Is.EqualTo(8));
    }

    [Test]
    public async Task AShortRequestIsServedBetweenTheTurnsOfALongOne()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options(contexts: 1));
        using var http = ServedStories.Client(server);
        var order = new List<string>();
        // The test holds the only context, so both requests queue and the order is decided by the scheduler alone.
        var held = await server.State.Model.Engine.AcquireAsync();
        var longRequest = Task.Run(async () =>
        {
            var (status, body) = await ServedStories.PostAsync(http, "v1/completions",
                $$"""{"prompt":{{JsonSerializer.Serialize(Enumerable.Repeat("Once upon a time", 16).ToArray())}},"max_tokens":200,"temperature":0}""");
            lock (order) order.Add($"long {status}");
        });
        await WaitUntil(() => server.State.Generation.Admitted == 1); // it has its turn and waits for the held context
        var shortRequest = Task.Run(async () =>
        {
            var (status, body) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once","max_tokens":2,"temperature":0}""");
            lock (order) order.Add($"short {status}");
        });
        await WaitUntil(() => server.State.Scheduler.Waiting == 1);
        held.Dispose();
        await Task.WhenAll(longRequest, shortRequest);
        Assert.That(order, Is.EqualTo(new[] { "short 200", "long 200" }), "the short request took the turn after the long one's first prompt");
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++) await Task.Delay(10);
        Assert.That(condition(), Is.True, "the requests did not reach the queue within 10 s");
    }
}
