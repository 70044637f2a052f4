using System.Net.Http.Headers;
using System.Text;

namespace Crayon.Benchmarking;

/// <summary>
/// Requests a server must refuse with a 4xx and survive: broken and non-JSON bodies, wrong types,
/// missing fields, a wrong content type, a body over the size limit, an unknown path, a wrong method.
/// </summary>
public static class MalformedRequests
{
    /// <summary>The kinds, each a factory (requests cannot be sent twice); <paramref name="maxBodyBytes"/> sizes the oversized one.</summary>
    public static IReadOnlyList<Func<HttpRequestMessage>> Kinds(long maxBodyBytes)
    {
        var oversized = Encoding.UTF8.GetBytes("{\"prompt\":\"" + new string('x', (int)Math.Min(maxBodyBytes + 4096, 64L << 20)) + "\"}");
        return
        [
            () => Post("v1/completions", "{\"prompt\":"),
            () => Post("v1/completions", "not json at all"),
            () => Post("v1/completions", "{\"prompt\":42}"),
            () => Post("v1/completions", "{\"prompt\":\"x\",\"max_tokens\":\"many\"}"),
            () => Post("v1/completions", "{\"prompt\":\"x\",\"temperature\":-1}"),
            () => Post("v1/chat/completions", "{\"messages\":\"hello\"}"),
            () => Post("v1/crayon/blend", "{\"alpha\":[1]}"),
            () => Post("v1/completions", "{\"prompt\":\"x\"}", "text/plain"),
            () => Post("v1/completions", "\u0000\u0001\u0002garbage\uFFFF"),
            () => new HttpRequestMessage(HttpMethod.Post, "v1/completions")
            {
                Content = new ByteArrayContent(oversized) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            },
            () => new HttpRequestMessage(HttpMethod.Delete, "v1/completions"),
            () => Post("v1/unknown", "{}"),
        ];
    }

    private static HttpRequestMessage Post(string path, string body, string contentType = "application/json") => new(HttpMethod.Post, path)
    {
        Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue(contentType)),
    };
}
