namespace Crayon.Server.Hosting;

/// <summary>
/// The cancellation of one request: the client went away, its time limit passed, or a shutdown's
/// drain deadline passed. <see cref="Token"/> fires for any of them; the flags tell which.
/// </summary>
public sealed class RequestDeadline : IDisposable
{
    private readonly CancellationTokenSource _timeout;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _shutdown;

    public RequestDeadline(TimeSpan limit, CancellationToken clientAborted, CancellationToken shutdown)
    {
        _timeout = new CancellationTokenSource(limit);
        _shutdown = shutdown;
        Limit = limit;
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_timeout.Token, clientAborted, shutdown);
    }

    public TimeSpan Limit { get; }
    public CancellationToken Token => _linked.Token;
    public bool TimedOut => _timeout.IsCancellationRequested;
    public bool ShutDown => _shutdown.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timeout.Dispose();
    }
}
