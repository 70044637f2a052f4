namespace Crayon.Hybrid.Endpoint;

/// <summary>Why a server call gave no usable answer.</summary>
public enum ServerFailureKind
{
    /// <summary>No connection (refused, reset, DNS).</summary>
    Unreachable,

    /// <summary>No answer within the endpoint's timeout.</summary>
    Timeout,

    /// <summary>An HTTP error status (4xx, 5xx).</summary>
    HttpError,

    /// <summary>An answer that is not what the API promises: not JSON, missing or inconsistent fields, too large.</summary>
    Garbage,
}

/// <summary>A server call's failure, in one line a person can read.</summary>
public sealed record ServerFailure(ServerFailureKind Kind, string Reason)
{
    /// <summary>
    /// The reason with control characters written as \xNN: it often quotes the server's own bytes (a status line, a
    /// reason phrase), which go to a terminal, and must neither break the line nor carry escape sequences.
    /// </summary>
    public string Reason { get; init; } = Printable(Reason);

    private static string Printable(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(char.IsControl)) return text;
        var builder = new System.Text.StringBuilder(text.Length + 16);
        foreach (var c in text)
            if (char.IsControl(c)) builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
            else builder.Append(c);
        return builder.ToString();
    }

    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}: {Reason}";
}

/// <summary>
/// The outcome of one HTTP call to the server: the parsed value or the failure, with the bytes that
/// crossed the network (request and response bodies) and the wall time. Calls never throw for a
/// server's misbehaviour; only the caller's own cancellation ends one with an exception.
/// </summary>
public sealed record ServerCall<T>(T? Value, ServerFailure? Failure, long BytesSent, long BytesReceived, TimeSpan Elapsed)
{
    public bool Succeeded => Failure is null;
}
