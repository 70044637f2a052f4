using System.Net;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Http;

/// <summary>
/// Accepts a request only when its Host header names this server (--allowed-hosts). A server on
/// loopback accepts only the loopback names by default: a web page the user visits can make the browser
/// send requests to 127.0.0.1 under a host name the attacker controls (DNS rebinding), and this refuses them.
/// </summary>
public sealed class HostCheck
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]", "::1"];
    private readonly HashSet<string>? _allowed; // null: any host

    public HostCheck(IReadOnlyList<string> allowed, IPAddress listenAddress)
    {
        if (allowed.Contains("*")) _allowed = null;
        else if (allowed.Count > 0) _allowed = new HashSet<string>(allowed, StringComparer.OrdinalIgnoreCase);
        else _allowed = IPAddress.IsLoopback(listenAddress) ? new HashSet<string>(LoopbackNames, StringComparer.OrdinalIgnoreCase) : null;
    }

    /// <exception cref="ApiException">400 naming the host when it is not allowed.</exception>
    public void Require(HttpRequest request)
    {
        if (_allowed is null) return;
        var host = request.Host.Host;
        if (!request.Host.HasValue || !_allowed.Contains(host))
            throw new ApiException(400, $"the Host header '{request.Host.Value}' is not one this server answers to; allowed: {string.Join(", ", _allowed.Order(StringComparer.Ordinal))} (--allowed-hosts)",
                code: "host_not_allowed");
    }
}
