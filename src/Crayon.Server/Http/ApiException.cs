namespace Crayon.Server.Http;

/// <summary>
/// A request the server refuses, with the HTTP status and an OpenAI-style error body: what was wrong,
/// and which field (<see cref="Param"/>) when one is to blame. Thrown by parsing and admission, written
/// by <see cref="ServerMiddleware"/>.
/// </summary>
public sealed class ApiException(int status, string message, string? param = null, string? type = null, TimeSpan? retryAfter = null, string? code = null)
    : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The request field at fault (e.g. "max_tokens"), or null.</summary>
    public string? Param { get; } = param;

    /// <summary>OpenAI's error type: invalid_request_error, authentication_error, server_error, ...</summary>
    public string Type { get; } = type ?? (status >= 500 ? "server_error" : "invalid_request_error");

    /// <summary>When set, sent as Retry-After (whole seconds): the client may try again after it.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>OpenAI's machine-readable error code (model_not_found, context_length_exceeded, invalid_api_key, ...), or null.</summary>
    public string? Code { get; } = code;

    public static ApiException BadField(string field, string message, string code = "invalid_value") => new(400, $"field '{field}' {message}", field, code: code);

    /// <summary>A field this server does not implement: refused by name rather than ignored.</summary>
    public static ApiException Unsupported(string field, string why) =>
        new(400, $"field '{field}' is not supported by this server: {why}", field, code: "unsupported_parameter");
}
