using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Crayon.Hybrid.Endpoint;

/// <summary>Writes a request body as compact UTF-8 JSON (its length is what the device sends).</summary>
internal static class RequestJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(Action<Utf8JsonWriter> fields)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            fields(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
