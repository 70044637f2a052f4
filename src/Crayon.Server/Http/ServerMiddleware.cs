using Crayon.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Http;

/// <summary>
/// Wraps every request: refuses new work while draining (503), checks the API key (401; /health is
/// open so probes need no secret), and turns every failure into a JSON error with its status, so no
/// request can take the server down or leave without an answer.
/// </summary>
public sealed class ServerMiddleware(RequestDelegate next, ServerState state)
{
    public async Task InvokeAsync(HttpContext http)
    {
        state.Enter();
        try
        {
            if (state.Draining)
            {
                http.Response.Headers.Connection = "close";
                throw new ApiException(503, "the server is shutting down", type: "server_shutting_down", retryAfter: ServerState.DefaultRetryAfter, code: "server_shutting_down");
            }
            state.Hosts.Require(http.Request);
            if (state.ApiKey is { } key && !http.Request.Path.Equals("/health", StringComparison.Ordinal))
                key.Require(http.Request.Headers.Authorization);
            await next(http).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // the client went away: nobody to answer
        }
        catch (Exception e) when (!http.Response.HasStarted)
        {
            var error = e switch
            {
                ApiException api => api,
                BadHttpRequestException bad => new ApiException(bad.StatusCode, bad.Message),
                _ => new ApiException(500, $"internal error: {e.Message}"),
            };
            if (error.Status >= 500 && e is not ApiException) state.Options.Log?.Invoke($"error: {http.Request.Method} {http.Request.Path}: {e}");
            try { await Responses.ErrorAsync(http, error).ConfigureAwait(false); }
            catch (Exception) when (http.RequestAborted.IsCancellationRequested) { }
        }
        catch (Exception e)
        {
            // The answer had begun (a stream): the endpoint already reported what it could; end the connection.
            state.Options.Log?.Invoke($"error after the response began: {http.Request.Method} {http.Request.Path}: {e.Message}");
            http.Abort();
        }
        finally
        {
            state.Leave();
        }
    }
}
