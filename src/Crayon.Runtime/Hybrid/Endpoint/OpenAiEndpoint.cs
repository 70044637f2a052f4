using Crayon.Llama;
using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Crayon.Hybrid.Endpoint;

/// <summary>
/// The device's view of a server model: any OpenAI-compatible endpoint (Crayon's, llama.cpp's
/// llama-server, vLLM), through standard requests only: answer choices are scored with
/// /v1/completions "echo" + "logprobs" and max_tokens 0, free text comes from /v1/completions (or
/// /v1/chat/completions). Every call returns a <see cref="ServerCall{T}"/>: a server that is down, slow
/// or talks nonsense gives a failure with its reason, never an exception.
/// </summary>
public sealed class OpenAiEndpoint : IDisposable
{
    private readonly HttpClient _http;
    private string? _model;

    /// <param name="handler">The HTTP stack (e.g. one that records requests); default: a pooled socket handler.</param>
    public OpenAiEndpoint(OpenAiEndpointOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "the endpoint timeout must be positive");
        Options = options;
        _model = options.Model;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = options.Timeout }, disposeHandler: handler is null)
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan, // each call has its own deadline
        };
    }

    public OpenAiEndpointOptions Options { get; }

    /// <summary>log P(continuation | prompt) of every answer choice, in one request.</summary>
    public async Task<ServerCall<IReadOnlyList<ChoiceLogLikelihood>>> ScoreChoicesAsync(IReadOnlyList<ChoicePrompt> choices, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Count == 0) throw new ArgumentException("no answer choices to score", nameof(choices));
        var model = await ModelAsync(cancellationToken).ConfigureAwait(false);
        if (!model.Succeeded) return Fail<IReadOnlyList<ChoiceLogLikelihood>>(model);
        var body = RequestJson.Write(w =>
        {
            w.WriteString("model", model.Value);
            w.WriteStartArray("prompt");
            foreach (var c in choices) w.WriteStringValue(c.Text);
            w.WriteEndArray();
            w.WriteNumber("max_tokens", 0);
            w.WriteBoolean("echo", true);
            w.WriteNumber("logprobs", 0);
            w.WriteNumber("temperature", 0);
        });
        var call = await SendAsync<IReadOnlyList<ChoiceLogLikelihood>>(HttpMethod.Post, "v1/completions", body, root => EchoScores.Parse(root, choices), cancellationToken).ConfigureAwait(false);
        return Add(call, model);
    }

    /// <summary>A greedy continuation of <paramref name="prompt"/> through /v1/completions, with per-token log-probabilities.</summary>
    public async Task<ServerCall<ServerCompletion>> CompleteAsync(string prompt, int maxTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        var model = await ModelAsync(cancellationToken).ConfigureAwait(false);
        if (!model.Succeeded) return Fail<ServerCompletion>(model);
        var body = RequestJson.Write(w =>
        {
            w.WriteString("model", model.Value);
            w.WriteString("prompt", prompt);
            w.WriteNumber("max_tokens", maxTokens);
            w.WriteNumber("temperature", 0);
            w.WriteNumber("logprobs", 0);
        });
        var call = await SendAsync(HttpMethod.Post, "v1/completions", body, CompletionAnswer.ParseText, cancellationToken).ConfigureAwait(false);
        return Add(call, model);
    }

    /// <summary>A greedy chat answer (one user message) through /v1/chat/completions, for endpoints that only chat.</summary>
    public async Task<ServerCall<ServerCompletion>> ChatAsync(string userMessage, int maxTokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userMessage);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxTokens);
        var model = await ModelAsync(cancellationToken).ConfigureAwait(false);
        if (!model.Succeeded) return Fail<ServerCompletion>(model);
        var body = RequestJson.Write(w =>
        {
            w.WriteString("model", model.Value);
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteString("content", userMessage);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteNumber("max_tokens", maxTokens);
            w.WriteNumber("temperature", 0);
            w.WriteBoolean("logprobs", true);
        });
        var call = await SendAsync(HttpMethod.Post, "v1/chat/completions", body, CompletionAnswer.ParseChat, cancellationToken).ConfigureAwait(false);
        return Add(call, model);
    }

    /// <summary>The model to name in requests: the configured one, or the first GET /v1/models lists (asked once).</summary>
    public async Task<ServerCall<string>> ModelAsync(CancellationToken cancellationToken = default)
    {
        if (_model is { } known) return new ServerCall<string>(known, null, 0, 0, TimeSpan.Zero);
        var call = await SendAsync(HttpMethod.Get, "v1/models", null, root =>
        {
            var data = JsonAnswer.Array(root, "data", "answer").EnumerateArray().ToArray();
            if (data.Length == 0) throw new GarbageAnswerException("answer.data lists no model");
            return JsonAnswer.String(data[0], "id", "answer.data[0]");
        }, cancellationToken).ConfigureAwait(false);
        if (call.Succeeded) _model = call.Value;
        return call;
    }

    /// <summary>Sends one request and parses its JSON answer; every server-side problem becomes a failure.</summary>
    internal Task<ServerCall<T>> SendAsync<T>(HttpMethod method, string path, byte[]? body, Func<JsonElement, T> parse, CancellationToken cancellationToken) =>
        SendAsync(method, path, body, "application/json", (bytes, _) =>
        {
            using var document = JsonAnswer.Parse(bytes);
            return parse(document.RootElement);
        }, cancellationToken);

    /// <summary>Sends one request and hands the answer's bytes and headers to <paramref name="parse"/>.</summary>
    internal async Task<ServerCall<T>> SendAsync<T>(HttpMethod method, string path, byte[]? body, string accept,
        Func<ReadOnlyMemory<byte>, HttpResponseHeaders, T> parse, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        long sent = body?.Length ?? 0, received = 0;
        ServerCall<T> Failed(ServerFailureKind kind, string reason) => new(default, new ServerFailure(kind, reason), sent, received, Stopwatch.GetElapsedTime(started));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Options.Timeout);
        try
        {
            using var request = new HttpRequestMessage(method, Options.Resolve(path));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            if (Options.ApiKey is { } key) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            if (body is not null) request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var bytes = await ReadBodyAsync(response, deadline.Token).ConfigureAwait(false);
            received = bytes.Length;
            if (bytes.Length > Options.MaxResponseBytes)
                return Failed(ServerFailureKind.Garbage, $"the answer is over {Options.MaxResponseBytes:N0} bytes");
            if (!response.IsSuccessStatusCode)
                return Failed(ServerFailureKind.HttpError, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}{ErrorMessage(bytes)}");
            return new ServerCall<T>(parse(bytes, response.Headers), null, sent, received, Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Failed(ServerFailureKind.Timeout, $"no answer within {Options.Timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            return Failed(e.HttpRequestError == HttpRequestError.InvalidResponse ? ServerFailureKind.Garbage : ServerFailureKind.Unreachable, e.Message);
        }
        catch (GarbageAnswerException e)
        {
            return Failed(ServerFailureKind.Garbage, e.Message);
        }
        catch (IOException e)
        {
            return Failed(ServerFailureKind.Unreachable, $"the connection broke: {e.Message}");
        }
    }

    private async Task<byte[]> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var limit = Options.MaxResponseBytes + 1L; // one byte more tells "too large" apart from "exactly the limit"
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (buffer.WrittenCount < limit)
        {
            var read = await stream.ReadAsync(buffer.GetMemory(8192), cancellationToken).ConfigureAwait(false);
            if (read == 0) break;
            buffer.Advance(read);
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>": message" from an OpenAI-style error body, or from a short text body.</summary>
    private static string ErrorMessage(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) return ": " + m.GetString();
                if (error.ValueKind == JsonValueKind.String) return ": " + error.GetString();
            }
        }
        catch (JsonException) { }
        var text = System.Text.Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).Trim();
        return text.Length == 0 || text.Any(char.IsControl) ? "" : ": " + text;
    }

    private static ServerCall<T> Fail<T>(ServerCall<string> model) => new(default, model.Failure, model.BytesSent, model.BytesReceived, model.Elapsed);

    private static ServerCall<T> Add<T>(ServerCall<T> call, ServerCall<string> model) =>
        call with { BytesSent = call.BytesSent + model.BytesSent, BytesReceived = call.BytesReceived + model.BytesReceived, Elapsed = call.Elapsed + model.Elapsed };

    /// <summary>Closes the client; a handler the caller passed in stays the caller's.</summary>
    public void Dispose() => _http.Dispose();
}
