using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Crayon.Blending;
using Crayon.Importers.Llama2c;
using Crayon.Llama;
using Crayon.Server.Hosting;
using Crayon.Tests.Llama;
using Crayon.Tests.Support;

namespace Crayon.Tests.Server;

/// <summary>
/// The imported stories260K served by a real in-process Crayon server on 127.0.0.1 (an ephemeral port),
/// one decoding thread per context, and the same model loaded locally for comparisons.
/// </summary>
internal static class ServedStories
{
    private static byte[]? _image;

    public const string Id = "stories260K";

    public static byte[] Image => _image ??= Llama2cImporter.ImportToBytes(TestData.Require("models/stories260K.bin"), TestData.Require("models/tok512.bin"));

    public static CrayonServerOptions Options(int contexts = 2) => new()
    {
        ModelImage = Image, ModelId = Id, Backend = LlamaBackend.Cpu, Threads = 1, Contexts = contexts, ContextLength = 512,
        BlendBackend = BlendBackend.Cpu,
    };

    public static async Task<CrayonServer> StartAsync(CrayonServerOptions? options = null)
    {
        LlamaTestRuntime.Ensure();
        return await CrayonServer.StartAsync(options ?? Options());
    }

    public static LlamaModel LoadLocal()
    {
        LlamaTestRuntime.Ensure();
        return LlamaModel.Load(Image, Id, LlamaTestRuntime.Cpu);
    }

    public static HttpClient Client(CrayonServer server) => new() { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };

    public static StringContent Json(string json) => new(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));

    public static async Task<(int Status, JsonElement Body)> PostAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, Json(json));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>The "data:" payloads of an SSE answer, in order ("[DONE]" included).</summary>
    public static async Task<IReadOnlyList<string>> EventsAsync(HttpClient http, string path, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(json) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if ((int)response.StatusCode != 200) throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        if (response.Content.Headers.ContentType?.MediaType != "text/event-stream") throw new InvalidOperationException($"content type {response.Content.Headers.ContentType}");
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var events = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
            if (line.StartsWith("data: ", StringComparison.Ordinal)) events.Add(line["data: ".Length..]);
        return events;
    }
}
