namespace Crayon.Hybrid.Endpoint;

/// <summary>Where the server model is and how long the device waits for it.</summary>
public sealed record OpenAiEndpointOptions
{
    /// <summary>The server's root, e.g. http://127.0.0.1:8080/ (the client appends v1/...). A trailing "/v1" is accepted too.</summary>
    public required Uri BaseUrl { get; init; }

    /// <summary>Sent as "Authorization: Bearer &lt;key&gt;" when set.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The "model" to ask for; null: the first one GET /v1/models lists (asked once).</summary>
    public string? Model { get; init; }

    /// <summary>The longest the device waits for one answer before it answers itself.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A larger answer is treated as garbage (a misbehaving server must not exhaust the device's memory).</summary>
    public int MaxResponseBytes { get; init; } = 8 << 20;

    internal Uri Resolve(string relative)
    {
        var root = BaseUrl.ToString().TrimEnd('/');
        if (root.EndsWith("/v1", StringComparison.Ordinal)) root = root[..^3];
        return new Uri(root + "/" + relative);
    }
}
