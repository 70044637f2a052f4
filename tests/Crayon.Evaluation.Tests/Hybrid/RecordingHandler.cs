using System.Text;

namespace Crayon.Tests.Hybrid;

/// <summary>Passes requests on to the real network and keeps a copy of each (method, URI, headers, body) as it left the client.</summary>
internal sealed class RecordingHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    public sealed record Recorded(HttpMethod Method, Uri Uri, string Headers, byte[] Body)
    {
        /// <summary>Everything that crossed the network in this request, as text.</summary>
        public string Wire => $"{Method} {Uri}\n{Headers}\n{Encoding.UTF8.GetString(Body)}";
    }

    public List<Recorded> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = string.Join("\n", request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}"));
        lock (Requests) Requests.Add(new Recorded(request.Method, request.RequestUri!, headers, body));
        return await base.SendAsync(request, cancellationToken);
    }
}
