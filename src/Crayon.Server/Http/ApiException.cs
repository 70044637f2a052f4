namespace Crayon.Server.Http;

/// <summary>
/// A request the server refuses, with the HTTP status and an OpenAI-style error body: what was wrong,
/// and which field (<see cref="Param"/>) when one is to blame. Thrown by parsing and admission, written
/// by <see cref="ServerMiddleware"/>.
/// </summary>
public sealed class ApiException(int status, string message, string? param = null, string? type = null, TimeSpan? retryAfter = null)
    : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The request field at fault (e.g. "max_tokens"), or null.</summary>
    public string? Param { get; } = param;

    /// <summary>OpenAI's error type: invalid_request_error, authentication_error, server_error, ...</summary>
    public string Type { get; } = type ?? (status >= 500 ? "server_error" : "invalid_request_error");

    /// <summary>When set, sent as Retry-After (whole seconds): the client may try again after it.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    public static ApiException BadField(string field, string message) => new(400, $"field '{field}' {message}", field);
}
