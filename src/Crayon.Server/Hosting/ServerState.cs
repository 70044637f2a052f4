using Crayon.Llama;
using Crayon.Server.Adapters;
using Crayon.Server.Blending;
using Crayon.Server.Completions;
using Crayon.Server.Customizations;
using Crayon.Server.Http;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Hosting;

/// <summary>
/// What every request of one running server shares: the model and its contexts, the pools, the
/// admission gates, and the shutdown state (draining, then cancelling what is still running).
/// </summary>
public sealed class ServerState : IDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _hardStop = new();
    private int _draining;
    private int _inFlight;

    public ServerState(CrayonServerOptions options, ServedModel model, PoolRegistry pools, ServedLoras loras, ServedCustomizers customizers)
    {
        Options = options;
        Model = model;
        Pools = pools;
        Loras = loras;
        Customizers = customizers;
        Customizations = new CustomizationStore(customizers, options.MaxCustomizations);
        Generation = new AdmissionGate("contexts", options.Contexts, options.MaxQueue);
        Blending = new AdmissionGate("the blender", 1, options.MaxQueue);
        Embedding = new AdmissionGate("the embedder", 1, options.MaxQueue);
        Scheduler = new ContextScheduler(model.Engine, options.Contexts);
        ApiKey = options.ApiKey is { } key ? new ApiKeyCheck(key) : null;
        Hosts = new HostCheck(options.AllowedHosts, options.Host);
        _embedder = new Lazy<LlamaEmbedder>(() => new LlamaEmbedder(model.Model, new LlamaContextOptions { ContextLength = model.ContextLength, Threads = options.Threads }));
        model.Engine.SetAdapters(loras.Global.Adapters);
    }

    private readonly Lazy<LlamaEmbedder> _embedder;
    private readonly SemaphoreSlim _embedderTurn = new(1, 1);

    public CrayonServerOptions Options { get; }
    public ServedModel Model { get; }
    public PoolRegistry Pools { get; }

    /// <summary>The --lora adapters and the adapter choices requests make of them.</summary>
    public ServedLoras Loras { get; }

    /// <summary>Who gets a context next: turn by turn, grouped by adapter choice.</summary>
    public ContextScheduler Scheduler { get; }

    /// <summary>Embeddings: one at a time on the server's one embedding context.</summary>
    public AdmissionGate Embedding { get; }

    /// <summary>Makes <paramref name="choice"/> the global adapter choice (POST /lora-adapters); requests in flight keep theirs.</summary>
    public void SetGlobalAdapters(AdapterChoice choice) => Model.Engine.SetAdapters(choice.Adapters);

    /// <summary>Runs <paramref name="work"/> on the server's embedding context (created on first use), one call at a time.</summary>
    public async Task<T> EmbedAsync<T>(Func<LlamaEmbedder, T> work, CancellationToken cancellationToken)
    {
        await _embedderTurn.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { return await Task.Run(() => work(_embedder.Value), cancellationToken).ConfigureAwait(false); }
        finally { _embedderTurn.Release(); }
    }

    /// <summary>Completions: one working request per context, <see cref="CrayonServerOptions.MaxQueue"/> waiting.</summary>
    public AdmissionGate Generation { get; }

    /// <summary>Blends: one at a time (the blender serialises them), the same queue bound.</summary>
    public AdmissionGate Blending { get; }

    public ApiKeyCheck? ApiKey { get; }

    public HostCheck Hosts { get; }

    public bool Draining => Volatile.Read(ref _draining) != 0;

    /// <summary>Requests being handled now.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Fires when the drain deadline has passed: requests still running are cancelled.</summary>
    public CancellationToken HardStop => _hardStop.Token;

    /// <summary>Refuses new requests from now on and cancels the ones in flight after the drain timeout.</summary>
    public void BeginDrain()
    {
        if (Interlocked.Exchange(ref _draining, 1) != 0) return;
        _hardStop.CancelAfter(Options.DrainTimeout);
    }

    /// <summary>Cancels every request in flight now.</summary>
    public void CancelInFlight() => _hardStop.Cancel();

    internal void Enter() => Interlocked.Increment(ref _inFlight);
    internal void Leave() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Waits until no request is in flight, or the token fires.</summary>
    public async Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        while (InFlight > 0) await Task.Delay(10, cancellationToken).ConfigureAwait(false);
    }

    /// <exception cref="ApiException">503 with Retry-After when the gate is full.</exception>
    public AdmissionGate.Ticket Admit(AdmissionGate gate) => gate.TryEnter() ?? throw new ApiException(503,
        $"the server is busy: {gate.Capacity} requests already wait for or use {gate.Resource} (--max-queue); retry later",
        type: "server_overloaded", retryAfter: RetryAfter, code: "server_overloaded");

    public RequestDeadline Deadline(HttpContext http) => new(Options.RequestTimeout, http.RequestAborted, HardStop);

    /// <summary>Runs <paramref name="work"/> under the request's deadline; a timeout becomes 504, a shutdown 503.</summary>
    public async Task RunAsync(HttpContext http, Func<CancellationToken, Task> work)
    {
        using var deadline = Deadline(http);
        try
        {
            await work(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.TimedOut && !http.RequestAborted.IsCancellationRequested)
        {
            throw new ApiException(504, $"the request did not finish within the server's limit of {deadline.Limit.TotalSeconds:0.###} s (--request-timeout)",
                type: "timeout", code: "timeout");
        }
        catch (OperationCanceledException) when (deadline.ShutDown && !http.RequestAborted.IsCancellationRequested)
        {
            throw new ApiException(503, "the server shut down before the request finished", type: "server_shutting_down", retryAfter: RetryAfter, code: "server_shutting_down");
        }
    }

    /// <summary>
    /// Admits a generation request and runs <paramref name="work"/> under its deadline. The work takes
    /// a context turn by turn (one per prompt) from the scheduler with <paramref name="choice"/>'s adapters.
    /// </summary>
    public async Task RunGenerationAsync(HttpContext http, AdapterChoice choice, Func<Func<Task<ContextTurn>>, CancellationToken, Task> work)
    {
        using var ticket = Admit(Generation);
        await RunAsync(http, cancel => work(() => Scheduler.AcquireAsync(choice, cancel), cancel)).ConfigureAwait(false);
    }

    /// <summary>The adapters a request computes with: its own "lora" list, or the global scales.</summary>
    public AdapterChoice ChooseAdapters(IReadOnlyList<LoraScale>? lora) => lora is null ? Loras.Global : Loras.Resolve(lora, "lora");

    /// <summary>The adapters a generation request computes with: its Crayon customization, its own "lora" list, or the global scales.</summary>
    public AdapterChoice ChooseAdapters(GenerationRequest request)
    {
        if (request.Crayon is not { } crayon) return ChooseAdapters(request.Lora);
        if (request.Lora is not null) throw ApiException.BadField(CustomizationField.Name, "cannot be combined with \"lora\": a request computes with one customization or with --lora adapters");
        return crayon.Id is { } id ? Customizations.Get(id, $"{CustomizationField.Name}.customization") : Customizers.Choose(crayon.Pool!, crayon.Alpha!, crayon.Recipe!, CustomizationField.Name);
    }

    /// <summary>One customizer per pool built for the served model: per-request customization.</summary>
    public ServedCustomizers Customizers { get; }

    /// <summary>Customizations registered by id (POST /v1/crayon/customizations).</summary>
    public CustomizationStore Customizations { get; }

    internal static TimeSpan DefaultRetryAfter => RetryAfter;

    public void Dispose()
    {
        _hardStop.Dispose();
        Pools.Dispose();
        // Order matters: contexts (which wait for every turn to end) before the adapters they use, adapters before the model.
        Model.Engine.Dispose();
        if (_embedder.IsValueCreated)
        {
            _embedderTurn.Wait(); // an embedding in flight finishes before its context is freed
            _embedder.Value.Dispose();
        }
        Customizers.Dispose(); // after the contexts, which hold references on the customizers' live adapters
        Loras.Dispose();
        Model.Dispose();
    }
}
