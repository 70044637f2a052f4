using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Http;

/// <summary>
/// Reads a request's JSON body under the server's size limit: 415 for another content type, 413 past
/// the limit (from Content-Length before reading, or while reading a chunked body), 400 for bytes that
/// are not JSON, with the parser's line and position.
/// <para>
/// A refused body is not read, but Kestrel drains it after the answer, up to <see cref="DrainLimit"/>,
/// so the client can finish sending and keep its connection: closing on a client that is still sending
/// would break its pipe before it reads the 413. Past the drain limit the connection is closed.
/// </para>
/// </summary>
public static class JsonBody
{
    /// <summary>The most bytes of a refused body the server swallows to keep the connection (Kestrel's body limit).</summary>
    public static long DrainLimit(long maxBytes) => Math.Max(4 * maxBytes, 8L << 20);

    /// <summary>Reads the body and hands its root to <paramref name="parse"/> (which validates the fields).</summary>
    public static async Task<T> ReadAsync<T>(HttpContext http, long maxBytes, Func<JsonElement, T> parse)
    {
        using var document = await ReadAsync(http, maxBytes, http.RequestAborted).ConfigureAwait(false);
        JsonTextCheck.Require(document.RootElement);
        return parse(document.RootElement);
    }

    public static async Task<JsonDocument> ReadAsync(HttpContext http, long maxBytes, CancellationToken cancellationToken)
    {
        var request = http.Request;
        if (!IsJson(request.ContentType))
            throw new ApiException(415, $"the request body must be JSON (Content-Type: application/json), got '{request.ContentType ?? "no content type"}'", code: "unsupported_media_type");
        if (request.ContentLength > maxBytes)
        {
            if (request.ContentLength > DrainLimit(maxBytes)) http.Response.Headers.Connection = "close";
            throw TooLarge(request.ContentLength.Value, maxBytes);
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, maxBytes) + 1);
        try
        {
            while (true)
            {
                var memory = buffer.GetMemory(4096);
                var read = await request.Body.ReadAsync(memory, cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                buffer.Advance(read);
                if (buffer.WrittenCount > maxBytes) throw TooLarge(null, maxBytes);
            }
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limits (body size, minimum data rate) surface here with their status code.
            throw new ApiException(e.StatusCode, $"the request body could not be read: {e.Message}");
        }
        if (buffer.WrittenCount == 0) throw new ApiException(400, "the request body is empty; send a JSON object");
        // The JSON reader checks UTF-8 only when a string is read; check it all now, so a bad byte is a 400 here and not a failure later.
        if (!Utf8.IsValid(buffer.WrittenSpan))
            throw new ApiException(400, $"the request body is not valid UTF-8 (from byte {FirstInvalidByte(buffer.WrittenSpan)})", code: "invalid_json");
        try
        {
            return JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            throw new ApiException(400, $"the request body is not valid JSON{where}: {FirstSentence(e.Message)}", code: "invalid_json");
        }
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> bytes)
    {
        var valid = 0;
        while (valid < bytes.Length && System.Text.Rune.DecodeFromUtf8(bytes[valid..], out _, out var length) == System.Buffers.OperationStatus.Done) valid += length;
        return valid;
    }

    private static ApiException TooLarge(long? length, long maxBytes) => new(413,
        (length is { } l ? $"the request body has {l:N0} bytes" : "the request body is larger than allowed") +
        $"; the server accepts at most {maxBytes:N0} bytes (--max-body)", code: "request_too_large");

    private static bool IsJson(string? contentType) =>
        contentType is not null && contentType.Split(';')[0].Trim() is var media &&
        (media.Equals("application/json", StringComparison.OrdinalIgnoreCase) || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (end < 0) end = message.IndexOf(" Path:", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message;
    }
}
