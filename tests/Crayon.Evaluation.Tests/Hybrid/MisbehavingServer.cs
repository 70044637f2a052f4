using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Crayon.Tests.Hybrid;

/// <summary>
/// A TCP peer on loopback that reads each HTTP request and then answers with exactly the bytes it is
/// given (possibly not HTTP at all), or never answers: the servers a device must survive, which no
/// well-behaved server can play.
/// </summary>
internal sealed class MisbehavingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <param name="answer">The raw bytes to send back; null: hold the connection open and say nothing.</param>
    public MisbehavingServer(byte[]? answer)
    {
        _listener.Start();
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
                catch (OperationCanceledException) { return; }
                // Stopping the listener can abort a pending accept before the cancellation is seen: the same shutdown.
                catch (SocketException) when (_stop.IsCancellationRequested) { return; }
                _ = Task.Run(() => Serve(client, answer));
            }
        });
    }

    public Uri BaseUrl => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");

    /// <summary>An HTTP 200 answer with this body.</summary>
    public static byte[] Http200(string contentType, string body) =>
        Encoding.UTF8.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}");

    private async Task Serve(TcpClient client, byte[]? answer)
    {
        using (client)
        {
            var stream = client.GetStream();
            var buffer = new byte[64 * 1024];
            var received = new StringBuilder();
            try
            {
                while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var n = await stream.ReadAsync(buffer, _stop.Token);
                    if (n == 0) return;
                    received.Append(Encoding.Latin1.GetString(buffer, 0, n));
                }
                if (answer is null)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    return;
                }
                await stream.WriteAsync(answer, _stop.Token);
                await stream.FlushAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException) { }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
