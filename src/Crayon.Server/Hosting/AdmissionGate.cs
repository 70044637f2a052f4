namespace Crayon.Server.Hosting;

/// <summary>
/// Bounds the requests admitted to one resource (working plus waiting). A request past the bound is
/// refused at once rather than queued without end: on a small edge box an unbounded queue only turns
/// overload into timeouts and memory growth, while a fast refusal with Retry-After lets clients back off
/// (or, for the hybrid client, answer on the device).
/// </summary>
public sealed class AdmissionGate(string resource, int workers, int queue)
{
    private int _admitted;

    public string Resource { get; } = resource;
    public int Capacity { get; } = workers + queue;

    /// <summary>Requests admitted now (working and waiting).</summary>
    public int Admitted => Volatile.Read(ref _admitted);

    /// <summary>Admits a request, or returns null when the bound is reached.</summary>
    public Ticket? TryEnter()
    {
        if (Interlocked.Increment(ref _admitted) <= Capacity) return new Ticket(this);
        Interlocked.Decrement(ref _admitted);
        return null;
    }

    /// <summary>One admitted request; dispose when it ends.</summary>
    public sealed class Ticket : IDisposable
    {
        private AdmissionGate? _gate;

        internal Ticket(AdmissionGate gate) => _gate = gate;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _gate, null) is { } gate) Interlocked.Decrement(ref gate._admitted);
        }
    }
}
