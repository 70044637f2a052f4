using System.Globalization;
using Crayon.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Http;

/// <summary>Writes JSON answers and OpenAI-style errors.</summary>
public static class Responses
{
    public static Task JsonAsync<T>(HttpContext http, T body, int status = 200)
    {
        var bytes = ServerJson.Utf8(body);
        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = bytes.Length;
        return http.Response.Body.WriteAsync(bytes, http.RequestAborted).AsTask();
    }

    public static Task ErrorAsync(HttpContext http, ApiException error)
    {
        if (error.RetryAfter is { } wait)
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (error.Status == 401) http.Response.Headers.WWWAuthenticate = "Bearer";
        return JsonAsync(http, new ErrorBody(new ErrorDetail(error.Message, error.Type, error.Param, error.Code)), error.Status);
    }
}
