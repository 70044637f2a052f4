using System.Net.Http.Headers;
using Crayon.Server.Hosting;
using NUnit.Framework;

namespace Crayon.Tests.Server;

/// <summary>The Host header is checked (--allowed-hosts; loopback names by default on loopback), and the API key is read one way from flag and environment.</summary>
public class HostAndKeyTests
{
    private static async Task<int> StatusFor(HttpClient http, string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.Host = host;
        using var response = await http.SendAsync(request);
        return (int)response.StatusCode;
    }

    [Test]
    public async Task OnlyAllowedHostsAreAnswered()
    {
        await using (var server = await ServedStories.StartAsync())
        {
            using var http = ServedStories.Client(server);
            Assert.That(await StatusFor(http, "evil.example"), Is.EqualTo(400), "a rebinding name is refused on loopback");
            Assert.That(await StatusFor(http, "localhost:1234"), Is.EqualTo(200));
            Assert.That(await StatusFor(http, $"127.0.0.1:{server.BaseUrl.Port}"), Is.EqualTo(200));
        }
        await using (var server = await ServedStories.StartAsync(ServedStories.Options() with { AllowedHosts = ["api.example.com"] }))
        {
            using var http = ServedStories.Client(server);
            Assert.That(await StatusFor(http, "api.example.com"), Is.EqualTo(200));
            Assert.That(await StatusFor(http, "127.0.0.1"), Is.EqualTo(400), "only the names given");
            Assert.That(await StatusFor(http, "API.EXAMPLE.COM:8080"), Is.EqualTo(200), "host names compare case-insensitively, without the port");
        }
    }

    [Test]
    public void TheKeyIsReadOneWayFromFlagAndEnvironment()
    {
        Assert.That(ApiKeySource.Resolve(null, null), Is.Null, "no key anywhere: served without one");
        Assert.That(ApiKeySource.Resolve("flag-key", "env-key"), Is.EqualTo("flag-key"), "the flag wins");
        Assert.That(ApiKeySource.Resolve(null, "env-key"), Is.EqualTo("env-key"));
        foreach (var (flag, environment) in new (string?, string?)[] { ("", null), (null, ""), ("   ", null), (null, "\t "), (" k", null), (null, "k\n") })
            Assert.Throws<ArgumentException>(() => ApiKeySource.Resolve(flag, environment), $"flag '{flag}', environment '{environment}'");
    }

    [Test]
    public async Task AWrongKeyIsRefusedWithItsCodeAndTheRightOneServes()
    {
        await using var server = await ServedStories.StartAsync(ServedStories.Options() with { ApiKey = "sesame-0123" });
        using var http = ServedStories.Client(server);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sesame-9999");
        var (refused, error) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once","max_tokens":2}""");
        Assert.That(refused, Is.EqualTo(401));
        Assert.That(error.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("invalid_api_key"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sesame-0123");
        var (ok, _) = await ServedStories.PostAsync(http, "v1/completions", """{"prompt":"Once","max_tokens":2}""");
        Assert.That(ok, Is.EqualTo(200));
    }
}
