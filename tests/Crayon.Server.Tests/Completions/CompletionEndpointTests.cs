using Crayon.Tests.Support;
using System.Globalization;
using System.Text.Json;
using Crayon.Llama;
using Crayon.Server.Hosting;
using Crayon.Tests.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>The OpenAI-compatible endpoints against local llama.cpp: same text, same stream, same log-probabilities.</summary>
[Category(PathAgreement.Category)]
public class CompletionEndpointTests
{
    private const string Prompt = "Once upon a time";
    private CrayonServer _server = null!;
    private HttpClient _http = null!;
    private LlamaModel _local = null!;
    private LlamaContext _context = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _server = await ServedStories.StartAsync();
        _http = ServedStories.Client(_server);
        _local = ServedStories.LoadLocal();
        _context = _local.CreateContext(LlamaTestRuntime.Context(512));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _server.DisposeAsync();
        _context.Dispose();
        _local.Dispose();
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    [Test]
    public async Task AGreedyCompletionEqualsLocalGeneration()
    {
        var (status, body) = await ServedStories.PostAsync(_http, "v1/completions", $$"""{"model":"{{ServedStories.Id}}","prompt":"{{Prompt}}","max_tokens":40,"temperature":0}""");
        Assert.That(status, Is.EqualTo(200), body.ToString());
        var local = _context.GenerateText(Prompt, new GenerationOptions { MaxTokens = 40 });
        var choice = body.GetProperty("choices")[0];
        Assert.That(choice.GetProperty("text").GetString(), Is.EqualTo(local).And.Length.GreaterThan(20));
        Assert.That(choice.GetProperty("finish_reason").GetString(), Is.EqualTo("length"));
        Assert.That(body.GetProperty("usage").GetProperty("completion_tokens").GetInt32(), Is.EqualTo(40));
        Assert.That(body.GetProperty("object").GetString(), Is.EqualTo("text_completion"));
    }

    [TestCase(7u, 0.9, 0.95)]
    [TestCase(12345u, 1.3, 1.0)]
    public async Task ASeededSampledCompletionEqualsLocalGenerationWithTheSameSeed(uint seed, double temperature, double topP)
    {
        var json = $$"""{"prompt":"{{Prompt}}","max_tokens":32,"temperature":{{F(temperature)}},"top_p":{{F(topP)}},"seed":{{seed}}}""";
        var (_, first) = await ServedStories.PostAsync(_http, "v1/completions", json);
        var (_, again) = await ServedStories.PostAsync(_http, "v1/completions", json);
        var local = _context.GenerateText(Prompt, new GenerationOptions
        {
            MaxTokens = 32,
            Sampling = new SamplingOptions { Temperature = (float)temperature, TopP = (float)topP, TopK = 0, MinP = 0, Seed = seed },
        });
        var greedy = _context.GenerateText(Prompt, new GenerationOptions { MaxTokens = 32 });
        var text = first.GetProperty("choices")[0].GetProperty("text").GetString();
        Assert.That(text, Is.EqualTo(local));
        Assert.That(again.GetProperty("choices")[0].GetProperty("text").GetString(), Is.EqualTo(text), "same seed, same text");
        Assert.That(text, Is.Not.EqualTo(greedy), "sampling really sampled");
    }

    [Test]
    public async Task StreamedChunksConcatenateToTheAnswerAndEndWithDone()
    {
        const string request = """{"prompt":"Once upon a time","max_tokens":30,"temperature":0.8,"seed":3,"stop":[" park"]}""";
        var (_, whole) = await ServedStories.PostAsync(_http, "v1/completions", request);
        var events = await ServedStories.EventsAsync(_http, "v1/completions", request.Replace("{", """{"stream":true,""", StringComparison.Ordinal));
        Assert.That(events[^1], Is.EqualTo("[DONE]"));
        var chunks = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0]).ToArray();
        Assert.That(chunks.Length, Is.GreaterThan(5), "one chunk per piece, not one blob");
        var text = string.Concat(chunks.Select(c => c.GetProperty("text").GetString()));
        Assert.That(text, Is.EqualTo(whole.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.That(chunks[^1].GetProperty("finish_reason").GetString(), Is.EqualTo(whole.GetProperty("choices")[0].GetProperty("finish_reason").GetString()));
        Assert.That(chunks.SkipLast(1).All(c => c.GetProperty("finish_reason").ValueKind == JsonValueKind.Null));
    }

    [Test]
    public async Task ChatStreamsDeltasThatConcatenateToTheMessage()
    {
        const string request = """{"messages":[{"role":"system","content":"A story."},{"role":"user","content":"Tell me about Lily"}],"max_tokens":25,"temperature":0}""";
        var (status, whole) = await ServedStories.PostAsync(_http, "v1/chat/completions", request);
        Assert.That(status, Is.EqualTo(200), whole.ToString());
        var message = whole.GetProperty("choices")[0].GetProperty("message");
        Assert.That(message.GetProperty("role").GetString(), Is.EqualTo("assistant"));
        var local = _context.GenerateText("A story.\nUser: Tell me about Lily\nAssistant:", new GenerationOptions { MaxTokens = 25 });
        Assert.That(message.GetProperty("content").GetString(), Is.EqualTo(local), "the documented transcript layout");

        var events = await ServedStories.EventsAsync(_http, "v1/chat/completions", request.Replace("{\"messages\"", "{\"stream\":true,\"messages\"", StringComparison.Ordinal));
        Assert.That(events[^1], Is.EqualTo("[DONE]"));
        var chunks = events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement).ToArray();
        Assert.That(chunks.All(c => c.GetProperty("object").GetString() == "chat.completion.chunk"));
        Assert.That(chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString(), Is.EqualTo("assistant"));
        var text = string.Concat(chunks.Select(c => c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("content", out var t) ? t.GetString() : ""));
        Assert.That(text, Is.EqualTo(local));
        Assert.That(chunks[^1].GetProperty("choices")[0].GetProperty("finish_reason").GetString(), Is.EqualTo("length"));
    }

    [Test]
    public async Task GeneratedTokenLogprobsEqualTheModelsDistributionComputedLocally()
    {
        var (_, body) = await ServedStories.PostAsync(_http, "v1/completions", """{"prompt":"Once upon a time","max_tokens":12,"temperature":0,"logprobs":3}""");
        var logprobs = body.GetProperty("choices")[0].GetProperty("logprobs");
        var values = logprobs.GetProperty("token_logprobs").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var tops = logprobs.GetProperty("top_logprobs").EnumerateArray().ToArray();
        var offsets = logprobs.GetProperty("text_offset").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        var tokens = logprobs.GetProperty("tokens").EnumerateArray().Select(v => v.GetString()!).ToArray();
        Assert.That(values, Has.Length.EqualTo(12));

        // Independent reference: a fresh decode of the prompt plus the first i generated tokens, log-softmax by hand.
        var generated = _context.Generate(Prompt, new GenerationOptions { MaxTokens = 12 }).Where(t => t.Id >= 0).Select(t => t.Id).ToArray();
        var sequence = _local.Tokenizer.Tokenize(Prompt).Concat(generated).ToArray();
        var start = sequence.Length - generated.Length;
        for (var i = 0; i < generated.Length; i++)
        {
            var logits = _context.EvaluateLogits(sequence[..(start + i)]);
            var max = logits.Max();
            var normalizer = max + Math.Log(logits.Sum(v => Math.Exp(v - max)));
            PathAgreement.TokenLogProbability.AssertClose(values[i], logits[generated[i]] - normalizer, $"token {i} (incremental decode on the server vs a fresh local one)");
            var top = tops[i].EnumerateObject().ToArray();
            Assert.That(top, Has.Length.EqualTo(3));
            Assert.That(top[0].Value.GetDouble(), Is.EqualTo(values[i]).Within(1e-9), "greedy picks the most likely token");
        }
        var text = body.GetProperty("choices")[0].GetProperty("text").GetString()!;
        for (var i = 0; i < tokens.Length; i++)
            Assert.That(text[offsets[i]..].StartsWith(tokens[i], StringComparison.Ordinal), $"token {i} '{tokens[i]}' at offset {offsets[i]}");
    }

    [Test]
    public async Task EchoedPromptLogprobsEqualLocalChoiceScoring()
    {
        const string question = "Lily went to the park. Where did Lily go?\nAnswer:";
        string[] choices = [" the park", " the moon", " a big red house"];
        var prompts = string.Join(",", choices.Select(c => JsonSerializer.Serialize(question + c)));
        var (status, body) = await ServedStories.PostAsync(_http, "v1/completions", $$"""{"prompt":[{{prompts}}],"max_tokens":0,"echo":true,"logprobs":0}""");
        Assert.That(status, Is.EqualTo(200), body.ToString());
        var local = _context.ScoreContinuations(question, choices);
        var answers = body.GetProperty("choices").EnumerateArray().OrderBy(c => c.GetProperty("index").GetInt32()).ToArray();
        for (var i = 0; i < choices.Length; i++)
        {
            Assert.That(answers[i].GetProperty("text").GetString(), Is.EqualTo(question + choices[i]), "the echo is the prompt");
            var lp = answers[i].GetProperty("logprobs");
            var offsets = lp.GetProperty("text_offset").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var values = lp.GetProperty("token_logprobs").EnumerateArray().ToArray();
            var answerTokens = Enumerable.Range(0, offsets.Length).Where(j => (j + 1 < offsets.Length ? offsets[j + 1] : question.Length + choices[i].Length) > question.Length).ToArray();
            Assert.That(answerTokens, Has.Length.EqualTo(local[i].Tokens.Length), $"choice {i} tokens");
            PathAgreement.LogLikelihood.AssertClose(answerTokens.Sum(j => values[j].GetDouble()), local[i].LogLikelihood, $"choice {i} log-likelihood: echoed by the server vs scored locally on the cached prompt");
        }
    }

    [Test]
    public async Task StopSequencesEndTheAnswerBeforeTheSequenceInBothModes()
    {
        var full = _context.GenerateText(Prompt, new GenerationOptions { MaxTokens = 40 });
        var stop = full.Substring(full.IndexOf(" named", StringComparison.Ordinal), 6);
        var request = $$"""{"prompt":"{{Prompt}}","max_tokens":40,"temperature":0,"stop":["zzz","{{stop}}"]}""";
        var (_, body) = await ServedStories.PostAsync(_http, "v1/completions", request);
        var choice = body.GetProperty("choices")[0];
        Assert.That(choice.GetProperty("text").GetString(), Is.EqualTo(full[..full.IndexOf(stop, StringComparison.Ordinal)]));
        Assert.That(choice.GetProperty("finish_reason").GetString(), Is.EqualTo("stop"));
        var events = await ServedStories.EventsAsync(_http, "v1/completions", request.Replace("{", """{"stream":true,""", StringComparison.Ordinal));
        var streamed = string.Concat(events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("text").GetString()));
        Assert.That(streamed, Is.EqualTo(choice.GetProperty("text").GetString()), "no part of the stop sequence leaks into the stream");
    }

    [Test]
    public async Task ModelsAndHealthDescribeTheServedModel()
    {
        var models = JsonDocument.Parse(await _http.GetStringAsync("v1/models")).RootElement;
        Assert.That(models.GetProperty("data")[0].GetProperty("id").GetString(), Is.EqualTo(ServedStories.Id));
        Assert.That(models.GetProperty("data")[0].GetProperty("context_length").GetInt32(), Is.EqualTo(512));
        var health = JsonDocument.Parse(await _http.GetStringAsync("health")).RootElement;
        Assert.That(health.GetProperty("status").GetString(), Is.EqualTo("ok"));
        Assert.That(health.GetProperty("contexts").GetInt32(), Is.EqualTo(2));
    }
}
