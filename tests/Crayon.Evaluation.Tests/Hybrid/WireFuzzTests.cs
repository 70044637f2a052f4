using System.Text;
using System.Text.Json;
using Crayon.Hybrid.Endpoint;
using Crayon.Tasks;
using Crayon.Tests.Formats;
using Crayon.Tests.Server;
using NUnit.Framework;

namespace Crayon.Tests.Hybrid;

/// <summary>
/// Both ends of the wire parse untrusted bytes: mutated requests never make the server fail (5xx) or fall
/// over, and mutated answers never make the device's parser throw anything but "garbage".
/// </summary>
public class WireFuzzTests
{
    [Test]
    public async Task MutatedRequestsGetAnAnswerBelow500AndTheServerStaysHealthy()
    {
        await using var server = await ServedStories.StartAsync();
        using var http = ServedStories.Client(server);
        (string Path, byte[] Body)[] seeds =
        [
            ("v1/completions", """{"prompt":["Once upon","a time"],"max_tokens":2,"temperature":0.5,"seed":3,"stop":["\n"],"logprobs":2,"echo":true}"""u8.ToArray()),
            ("v1/chat/completions", """{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi"}]}],"max_tokens":2,"logprobs":true,"top_logprobs":1}"""u8.ToArray()),
            ("v1/crayon/blend", """{"pool":"p","alpha":[0.5,0.25,0.25],"mode":"concat","top_k":2}"""u8.ToArray()),
        ];
        var random = new Random(20261121);
        var statuses = new SortedDictionary<int, int>();
        for (var i = 0; i < 300; i++)
        {
            var (path, seed) = seeds[i % seeds.Length];
            var (bytes, how) = Mutator.Mutate(seed, random);
            using var content = new ByteArrayContent(bytes) { Headers = { ContentType = new("application/json") } };
            using var response = await http.PostAsync(path, content);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.That(status, Is.LessThan(500), $"{path}, {how}: {Encoding.UTF8.GetString(bytes)} -> {await response.Content.ReadAsStringAsync()}");
        }
        TestContext.Out.WriteLine($"statuses: {string.Join(", ", statuses.Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.That(statuses.Keys, Does.Contain(200).And.Contain(400), "the mutations hit both valid and invalid requests");
        Assert.That((int)(await http.GetAsync("health")).StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task MutatedAnswersAreGarbageOrScoresNeverAnotherException()
    {
        await using var server = await ServedStories.StartAsync();
        using var http = ServedStories.Client(server);
        ChoicePrompt[] sent = [new("Lily went to the park.\nAnswer:", " yes"), new("Lily went to the park.\nAnswer:", " no, she did not")];
        var request = JsonSerializer.Serialize(new { prompt = sent.Select(c => c.Text).ToArray(), max_tokens = 0, echo = true, logprobs = 0 });
        using var response = await http.PostAsync("v1/completions", ServedStories.Json(request));
        var valid = await response.Content.ReadAsByteArrayAsync();
        using (var document = JsonDocument.Parse(valid))
            Assert.That(EchoScores.Parse(document.RootElement, sent), Has.Length.EqualTo(2), "the seed answer parses");

        var random = new Random(7);
        var outcomes = new SortedDictionary<string, int>();
        for (var i = 0; i < 1000; i++)
        {
            var (bytes, how) = Mutator.Mutate(valid, random);
            string outcome;
            try
            {
                using var document = JsonAnswer.Parse(bytes);
                var scores = EchoScores.Parse(document.RootElement, sent);
                Assert.That(scores.All(s => double.IsFinite(s.LogProb) && s.LogProb <= 0 && s.Tokens > 0), how);
                outcome = "scores";
            }
            catch (GarbageAnswerException e) { outcome = e.Message.StartsWith("the answer is not", StringComparison.Ordinal) ? "not JSON" : "garbage"; }
            catch (Exception e) { Assert.Fail($"{how}: {e.GetType().Name}: {e.Message}"); throw; }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        TestContext.Out.WriteLine(string.Join(", ", outcomes.Select(o => $"{o.Key}×{o.Value}")));
        Assert.That(outcomes.Keys, Is.EquivalentTo(new[] { "garbage", "not JSON", "scores" }));
    }
}
