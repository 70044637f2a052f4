using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Crayon.Llama;
using Crayon.Server.Adapters;
using Crayon.Server.Hosting;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon serve`: an OpenAI-compatible server over a GGUF model (/v1/completions, /v1/chat/completions,
/// /v1/embeddings, /v1/models, /health), with --lora adapters chosen per request as llama-server does
/// (/lora-adapters), that also blends adapter pools for devices (/v1/crayon/blend). Runs until Ctrl+C,
/// SIGINT or SIGTERM, then drains: requests in flight and queued finish within --drain-timeout, new ones
/// get 503, and it exits 0.
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var llama = new LlamaCommandOptions();
        var pools = new Option<string[]>("--pool") { Description = "adapter pool to serve for /v1/crayon/blend: path or id=path (id: the file name); repeatable" };
        var host = new Option<string>("--host") { Description = "address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port (0: any free port)", DefaultValueFactory = _ => 8080 };
        var apiKey = new Option<string?>("--api-key") { Description = "require 'Authorization: Bearer <key>' (default: $CRAYON_API_KEY; none when unset)" };
        var modelId = new Option<string?>("--model-id") { Description = "the model's name in requests and /v1/models (default: the file name)" };
        var contexts = new Option<int>("--contexts") { Description = "llama.cpp contexts: requests computed in parallel", DefaultValueFactory = _ => 1 };
        var maxCustomizations = new Option<int>("--max-customizations") { Description = "customizations that may be registered by id (POST /v1/crayon/customizations)", DefaultValueFactory = _ => 10_000 };
        var maxQueue = new Option<int>("--max-queue") { Description = "requests that may wait for a context; more get 503 with Retry-After", DefaultValueFactory = _ => 64 };
        var timeout = new Option<double>("--request-timeout") { Description = "seconds a request may take, waiting included (then 504)", DefaultValueFactory = _ => 120 };
        var maxBody = new Option<long>("--max-body") { Description = "largest request body in bytes (then 413)", DefaultValueFactory = _ => 1 << 20 };
        var drain = new Option<double>("--drain-timeout") { Description = "seconds requests in flight may finish on shutdown", DefaultValueFactory = _ => 10 };
        var blendBackend = new Option<string>("--blend-backend") { Description = "where pools are blended: auto, vulkan or cpu", DefaultValueFactory = _ => "auto" };
        var loras = new Option<string[]>("--lora") { Description = "LoRA adapter for the served model, FILE or FILE:scale (default scale 1); repeatable; ids 0, 1, ... in order (see /lora-adapters)" };
        var maxRequestTokens = new Option<int>("--max-request-tokens") { Description = "most tokens one request may generate over all its prompts (prompts × max_tokens)", DefaultValueFactory = _ => 8192 };
        var maxConnections = new Option<int>("--max-connections") { Description = "open connections at most (also kept under the open-file limit)", DefaultValueFactory = _ => 256 };
        var keepAlive = new Option<double>("--keep-alive-timeout") { Description = "seconds a connection may idle before the server closes it", DefaultValueFactory = _ => 15 };
        var headersTimeout = new Option<double>("--headers-timeout") { Description = "seconds a client may take to send a request's headers", DefaultValueFactory = _ => 10 };
        var allowedHosts = new Option<string[]>("--allowed-hosts") { Description = "Host header values accepted, e.g. api.example.com (* for any; default: the loopback names on a loopback address, any otherwise)", AllowMultipleArgumentsPerToken = true };
        var embeddingSignal = new Option<string>("--embedding-signal") { Description = "what /v1/embeddings returns: query (the pool's signal) or hidden", DefaultValueFactory = _ => "query" };
        var command = new Command("serve", "Serve a GGUF model over an OpenAI-compatible HTTP API, and blend adapter pools for devices")
        {
            pools, host, port, apiKey, modelId, contexts, maxQueue, maxCustomizations, timeout, maxBody, drain, blendBackend,
            loras, maxRequestTokens, maxConnections, keepAlive, headersTimeout, allowedHosts, embeddingSignal,
        };
        llama.AddTo(command, adapters: false);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!IPAddress.TryParse(result.GetValue(host), out var address))
                throw new UsageException($"--host '{result.GetValue(host)}' is not an IP address (e.g. 127.0.0.1 or 0.0.0.0)");
            var options = new CrayonServerOptions
            {
                ModelPath = result.GetValue(llama.Model),
                ModelId = result.GetValue(modelId),
                Pools = (result.GetValue(pools) ?? []).Select(PoolSource.Parse).ToArray(),
                Host = address,
                Port = result.GetValue(port),
                ApiKey = ApiKeySource.Resolve(result.GetValue(apiKey), Environment.GetEnvironmentVariable(ApiKeySource.Variable)),
                Loras = (result.GetValue(loras) ?? []).Select(LoraSource.Parse).ToArray(),
                MaxRequestTokens = result.GetValue(maxRequestTokens),
                MaxConnections = result.GetValue(maxConnections),
                KeepAliveTimeout = Seconds(result.GetValue(keepAlive), "--keep-alive-timeout"),
                RequestHeadersTimeout = Seconds(result.GetValue(headersTimeout), "--headers-timeout"),
                AllowedHosts = (result.GetValue(allowedHosts) ?? []).SelectMany(h => h.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray(),
                EmbeddingSignal = result.GetValue(embeddingSignal) switch
                {
                    "query" => EmbeddingSignal.Query,
                    "hidden" => EmbeddingSignal.Hidden,
                    var other => throw new UsageException($"--embedding-signal must be query or hidden, got '{other}'"),
                },
                Contexts = result.GetValue(contexts),
                MaxQueue = result.GetValue(maxQueue),
                MaxCustomizations = result.GetValue(maxCustomizations),
                Threads = result.GetValue(llama.Threads),
                ContextLength = result.GetValue(llama.ContextLength),
                RequestTimeout = Seconds(result.GetValue(timeout), "--request-timeout"),
                MaxBodyBytes = result.GetValue(maxBody),
                DrainTimeout = Seconds(result.GetValue(drain), "--drain-timeout"),
                Backend = llama.InitializeRuntime(result),
                GpuLayers = result.GetValue(llama.GpuLayers),
                BlendBackend = BlendOptionParsing.Backend(result.GetValue(blendBackend)!, "--blend-backend", allowAuto: true),
                Log = line => Console.Error.WriteLine($"crayon serve: {line}"),
            };
            await using var server = await CrayonServer.StartAsync(options, cancellationToken);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"serving '{server.ModelId}' at {server.BaseUrl} ({options.Contexts} context(s), queue {options.MaxQueue}, " +
                $"pools: {(options.Pools.Count == 0 ? "none" : string.Join(", ", options.Pools.Select(p => p.Id)))}, loras: {options.Loras.Count}, api key: {(options.ApiKey is null ? "off" : "on")}); Ctrl+C or SIGTERM stops"));
            await WaitForStopAsync(cancellationToken);
            Console.Error.WriteLine($"crayon serve: stopping; requests in flight may finish within {options.DrainTimeout.TotalSeconds:0.#} s");
            await server.StopAsync();
            Console.Error.WriteLine("crayon serve: stopped");
            return 0;
        });
        return command;
    }

    private static TimeSpan Seconds(double value, string option) =>
        double.IsFinite(value) && value > 0 && value <= 86_400 ? TimeSpan.FromSeconds(value)
            : throw new UsageException($"{option} must be a number of seconds between 0 and 86400, got {value.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Until Ctrl+C (the host's token), SIGINT or SIGTERM (what service managers send). The signals are
    /// taken over (context.Cancel) so the runtime does not exit while requests drain and native contexts run.
    /// </summary>
    private static async Task WaitForStopAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        try { await Task.Delay(Timeout.Infinite, stop.Token); }
        catch (OperationCanceledException) { }
    }
}
