using Crayon.Llama;
using Crayon.Server.Blending;
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

    public ServerState(CrayonServerOptions options, ServedModel model, PoolRegistry pools)
    {
        Options = options;
        Model = model;
        Pools = pools;
        Generation = new AdmissionGate("contexts", options.Contexts, options.MaxQueue);
        Blending = new AdmissionGate("the blender", 1, options.MaxQueue);
        ApiKey = options.ApiKey is { } key ? new ApiKeyCheck(key) : null;
    }

    public CrayonServerOptions Options { get; }
    public ServedModel Model { get; }
    public PoolRegistry Pools { get; }

    /// <summary>Completions: one working request per context, <see cref="CrayonServerOptions.MaxQueue"/> waiting.</summary>
    public AdmissionGate Generation { get; }

    /// <summary>Blends: one at a time (the blender serialises them), the same queue bound.</summary>
    public AdmissionGate Blending { get; }

    public ApiKeyCheck? ApiKey { get; }

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
        type: "server_overloaded", retryAfter: RetryAfter);

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
                type: "timeout");
        }
        catch (OperationCanceledException) when (deadline.ShutDown && !http.RequestAborted.IsCancellationRequested)
        {
            throw new ApiException(503, "the server shut down before the request finished", type: "server_shutting_down", retryAfter: RetryAfter);
        }
    }

    /// <summary>Admits a completion, leases a context under the request's deadline, and runs <paramref name="work"/> on it.</summary>
    public async Task RunOnContextAsync(HttpContext http, Func<LlamaContext, CancellationToken, Task> work)
    {
        using var ticket = Admit(Generation);
        await RunAsync(http, async cancel =>
        {
            using var session = await Model.Engine.AcquireAsync(cancel).ConfigureAwait(false);
            await work(session.Context, cancel).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    internal static TimeSpan DefaultRetryAfter => RetryAfter;

    public void Dispose()
    {
        _hardStop.Dispose();
        Pools.Dispose();
        Model.Dispose();
    }
}
