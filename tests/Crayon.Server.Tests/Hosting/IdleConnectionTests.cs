using System.Net;
using System.Net.Sockets;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>
/// Idle TCP connections (no key needed to open one) cannot exhaust the server: past --max-connections
/// new ones are closed at once, idle ones are closed after the keep-alive timeout, and once the idle
/// clients' sockets are closed by the server, a normal request is answered.
/// </summary>
public class IdleConnectionTests
{
    [Test]
    public async Task ManyIdleConnectionsAreClosedAndTheServerAnswersAfter()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with
        {
            MaxConnections = 32, KeepAliveTimeout = TimeSpan.FromSeconds(1), RequestHeadersTimeout = TimeSpan.FromSeconds(1),
        });
        var idle = new List<Socket>();
        try
        {
            for (var i = 0; i < 300; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.BaseUrl.Port));
                idle.Add(socket);
            }
            // Every idle socket is closed by the server (read returns 0 or the connection is reset), none stays open.
            var closed = await Task.WhenAll(idle.Select(ClosedByServerAsync));
            Assert.That(closed.Count(c => c), Is.EqualTo(idle.Count), "every idle connection was closed by the server");
        }
        finally
        {
            foreach (var socket in idle) socket.Dispose();
        }
        using var http = ServedStories.Client(server);
        var (status, body) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once","max_tokens":4,"temperature":0}""");
        Assert.That(status, Is.EqualTo(200), body.ToString());
    }

    [Test]
    public async Task ASlowClientSendingHeadersByteByByteIsCutOff()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { RequestHeadersTimeout = TimeSpan.FromSeconds(1) });
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.BaseUrl.Port));
        var sentAll = true;
        try
        {
            // A header line that never ends, one byte every 200 ms, for at most 60 s (the server must cut it off long before).
            for (var i = 0; i < 300; i++)
            {
                await socket.SendAsync(new[] { (byte)(i == 0 ? 'G' : 'x') });
                await Task.Delay(200);
                if (socket.Poll(0, SelectMode.SelectRead)) { sentAll = false; break; }
            }
        }
        catch (SocketException) { sentAll = false; }
        Assert.That(sentAll, Is.False, "the server closed the connection of a client that never finished its headers");
        using var http = ServedStories.Client(server);
        var (status, _) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once","max_tokens":2}""");
        Assert.That(status, Is.EqualTo(200));
    }

    private static async Task<bool> ClosedByServerAsync(Socket socket)
    {
        var buffer = new byte[512];
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60)); // a bound on the test, not a timing assertion
        try
        {
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
                if (read == 0) return true; // Kestrel may first send a 408/400 answer; the close follows
            }
        }
        catch (SocketException) { return true; }
        catch (OperationCanceledException) { return false; }
    }
}
