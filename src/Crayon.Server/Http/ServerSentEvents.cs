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

    /// <summary>A failure after the stream began: the status is already sent, so the error goes out as an event.</summary>
    public async Task ErrorAsync(ApiException error)
    {
        try
        {
            await SendAsync(new ErrorBody(new ErrorDetail(error.Message, error.Type, error.Param, null)), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the client is gone; nothing more to tell it
        }
    }
}
