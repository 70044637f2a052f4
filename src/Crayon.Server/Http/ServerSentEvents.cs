using Crayon.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Http;

/// <summary>An SSE stream as OpenAI sends it: "data: {json}" events, flushed one by one, ended by "data: [DONE]".</summary>
public sealed class ServerSentEvents(HttpContext http)
{
    private static readonly byte[] Prefix = "data: "u8.ToArray(), Separator = "\n\n"u8.ToArray(), Done = "data: [DONE]\n\n"u8.ToArray();

    public bool Started => http.Response.HasStarted;

    public async Task SendAsync<T>(T body, CancellationToken cancellationToken)
    {
        if (!http.Response.HasStarted)
        {
            http.Response.StatusCode = 200;
            http.Response.ContentType = "text/event-stream; charset=utf-8";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";
        }
        var stream = http.Response.Body;
        await stream.WriteAsync(Prefix, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(ServerJson.Utf8(body), cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(Separator, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task DoneAsync(CancellationToken cancellationToken)
    {
        await http.Response.Body.WriteAsync(Done, cancellationToken).ConfigureAwait(false);
        await http.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs a stream's body. A failure before the first event propagates (it becomes an ordinary error
    /// answer); after it, the status is already sent, so the error goes out as a last event.
    /// </summary>
    public async Task GuardAsync(Func<Task> body)
    {
        try
        {
            await body().ConfigureAwait(false);
        }
        catch (ApiException e) when (Started)
        {
            await ErrorAsync(e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (Started && !http.RequestAborted.IsCancellationRequested)
        {
            await ErrorAsync(new ApiException(504, "the answer was cut off: the request reached the server's time limit or the server is shutting down", type: "timeout")).ConfigureAwait(false);
        }
    }

    private async Task ErrorAsync(ApiException error)
    {
        try
        {
            await SendAsync(new ErrorBody(new ErrorDetail(error.Message, error.Type, error.Param, error.Code)), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the client is gone; nothing more to tell it
        }
    }
}
