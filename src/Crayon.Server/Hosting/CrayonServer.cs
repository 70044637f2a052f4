using Crayon.Server.Adapters;
using Crayon.Server.Blending;
using Crayon.Server.Customizations;
using Crayon.Server.Embeddings;
using Crayon.Server.Completions;
using Crayon.Server.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Crayon.Server.Hosting;

/// <summary>
/// A running Crayon server: an OpenAI-compatible endpoint over one GGUF model, plus the pools devices
/// customize from. Start it in-process with <see cref="StartAsync"/> (port 0 picks a free port; read
/// <see cref="BaseUrl"/>), stop it with <see cref="StopAsync"/>.
/// <para>
/// Concurrency: a bounded queue over a pool of llama.cpp contexts, not continuous batching. Each
/// context (one KV cache, n_seq_max = 1) serves one request at a time; up to --contexts run in
/// parallel, up to --max-queue more wait, and the next one is refused at once with 503 and
/// Retry-After. Why: on the 2-core edge boxes and small models this targets, decode is bound by the
/// CPU cores, which parallel contexts already keep busy, so batching several sequences into one
/// decode would buy little throughput while sharing one KV cache across requests and making each
/// request's latency depend on the others. A bounded queue keeps memory fixed (contexts × KV cache)
/// and turns overload into a fast, explicit refusal that a hybrid client answers on the device.
/// Admitted requests take contexts turn by turn (one prompt a turn) from <see cref="ContextScheduler"/>,
/// which groups turns by their adapter choice, the one field a per-request customization plugs into.
/// </para>
/// <para>
/// Shutdown: new requests get 503 at once, requests in flight may finish within the drain timeout,
/// after which they are cancelled (a streamed answer ends with an error event), and the model is
/// freed when the last one has returned its context.
/// </para>
/// </summary>
public sealed class CrayonServer : IAsyncDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);
    private readonly WebApplication _app;
    private readonly ServerState _state;
    private readonly Lock _gate = new();
    private Task? _stopping;

    private CrayonServer(WebApplication app, ServerState state, Uri baseUrl)
    {
        _app = app;
        _state = state;
        BaseUrl = baseUrl;
    }

    /// <summary>e.g. http://127.0.0.1:40123/ (always ends with '/').</summary>
    public Uri BaseUrl { get; }

    /// <summary>The served model's id ("model" in requests).</summary>
    public string ModelId => _state.Model.Id;

    /// <summary>Where blends run ("none" without pools).</summary>
    public string BlendDevice => _state.Pools.Device;

    /// <summary>
    /// Pool uploads to blend devices since start, over every device the server blends on (the blend endpoint's and the
    /// customizers'): one per served pool when each is resident once.
    /// </summary>
    public int BlendUploads =>
        new[] { _state.Pools.Blender }.Concat(_state.Customizers.Residents.Select(r => r.Blender)).OfType<Crayon.Blending.Blender>()
            .Distinct().Sum(b => b.Uploads);

    /// <summary>Loads the model and pools, then listens. Failures (a bad model or pool, a busy port) throw with the cause.</summary>
    public static async Task<CrayonServer> StartAsync(CrayonServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var model = await Task.Run(() => ServedModel.Load(options), cancellationToken).ConfigureAwait(false);
        PoolRegistry pools;
        try { pools = PoolRegistry.Load(options.Pools, options.BlendBackend); }
        catch { model.Dispose(); throw; }
        ServedLoras loras;
        try { loras = ServedLoras.Load(model.Model, options.Loras); }
        catch { pools.Dispose(); model.Dispose(); throw; }
        if (model.HasUnsupportedTemplate)
            options.Log?.Invoke("the model's chat template is not one llama.cpp can render; chat uses the plain User:/Assistant: transcript");
        ServedCustomizers customizers;
        try { customizers = ServedCustomizers.Create(model.Model, options.ModelPath, pools, options.CustomizationSwap); }
        catch { loras.Dispose(); pools.Dispose(); model.Dispose(); throw; }
        foreach (var (pool, why) in customizers.Refused) options.Log?.Invoke($"pool '{pool}' cannot customize requests: {why}");
        var state = new ServerState(options, model, pools, loras, customizers);
        WebApplication? app = null;
        try
        {
            app = Build(options, state);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new CrayonServer(app, state, new Uri(address.EndsWith('/') ? address : address + "/"));
        }
        catch
        {
            if (app is not null) await app.DisposeAsync().ConfigureAwait(false);
            state.Dispose();
            throw;
        }
    }

    private static WebApplication Build(CrayonServerOptions options, ServerState state)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Crayon.Server", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, OwnerControlledLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.DrainTimeout + Grace);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = JsonBody.DrainLimit(options.MaxBodyBytes); // JsonBody enforces MaxBodyBytes itself
            // Idle or slow sockets cost a descriptor and buffers each: bound how many may be open and how long they may idle.
            kestrel.Limits.MaxConcurrentConnections = ConnectionBudget.Limit(options.MaxConnections);
            kestrel.Limits.MaxConcurrentUpgradedConnections = 0;
            kestrel.Limits.KeepAliveTimeout = options.KeepAliveTimeout;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            kestrel.Listen(options.Host, options.Port);
        });
        var app = builder.Build();
        app.Use(next => new ServerMiddleware(next, state).InvokeAsync);
        app.MapGet("/health", http => ServiceEndpoints.HealthAsync(http, state));
        app.MapGet("/v1/models", http => ServiceEndpoints.ModelsAsync(http, state));
        app.MapGet("/v1/models/{id}", http => ServiceEndpoints.ModelAsync(http, state));
        app.MapPost("/v1/embeddings", http => EmbeddingEndpoint.HandleAsync(http, state));
        app.MapGet("/lora-adapters", http => LoraEndpoints.ListAsync(http, state));
        app.MapPost("/lora-adapters", http => LoraEndpoints.SetAsync(http, state));
        app.MapPost("/v1/completions", http => CompletionEndpoint.HandleAsync(http, state));
        app.MapPost("/v1/chat/completions", http => ChatEndpoint.HandleAsync(http, state));
        app.MapGet("/v1/crayon/pools", http => ServiceEndpoints.PoolsAsync(http, state));
        app.MapGet("/v1/crayon/pools/{id}", http => ServiceEndpoints.PoolAsync(http, state));
        app.MapPost("/v1/crayon/blend", http => BlendEndpoint.HandleAsync(http, state));
        app.MapPost("/v1/crayon/customizations", http => CustomizationEndpoint.RegisterAsync(http, state));
        app.MapFallback(ServiceEndpoints.NotFoundAsync);
        return app;
    }

    /// <summary>Requests being handled now.</summary>
    public int InFlight => _state.InFlight;

    /// <summary>For tests: holding a context of the engine makes admission, timeouts and draining deterministic.</summary>
    internal ServerState State => _state;

    /// <summary>
    /// Graceful shutdown: stop accepting (new requests get 503), let requests in flight finish within the
    /// drain timeout, then cancel them, stop listening and free the model. Safe to call more than once.
    /// </summary>
    public Task StopAsync()
    {
        lock (_gate) return _stopping ??= StopCoreAsync();
    }

    private async Task StopCoreAsync()
    {
        _state.BeginDrain();
        try
        {
            using (var drained = new CancellationTokenSource(_state.Options.DrainTimeout + Grace))
            {
                // Requests in flight finish (or are cancelled at the drain deadline) before the listener closes.
                try { await _state.WaitIdleAsync(drained.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) { }
            }
            using var stop = new CancellationTokenSource(Grace);
            await _app.StopAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            _state.CancelInFlight();
            await _app.DisposeAsync().ConfigureAwait(false);
            _state.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>The owner (the CLI or a test) decides when the server stops; no console signal handlers of its own.</summary>
    private sealed class OwnerControlledLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
