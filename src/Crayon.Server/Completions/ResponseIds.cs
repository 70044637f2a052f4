namespace Crayon.Server.Completions;

/// <summary>Ids and timestamps of answers ("cmpl-…", "chatcmpl-…").</summary>
public static class ResponseIds
{
    public static string Next(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>Unix seconds, OpenAI's "created".</summary>
    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();
}
