using Crayon.Llama;
using Crayon.Server.Adapters;

namespace Crayon.Server.Hosting;

/// <summary>
/// Hands the engine's contexts to waiting requests, one turn at a time. A turn is one prompt's work
/// (a request with several prompts takes one turn per prompt and queues again in between), so a short
/// request waits for at most one prompt of a long one, never for all of it.
/// <para>
/// Order: first come, first served, except that a freed context goes to an early waiter with the same
/// <see cref="AdapterChoice.Key"/> as the turn that just ended (no adapter switch), looking at most
/// <see cref="GroupWindow"/> waiters ahead and passing over the head of the queue at most
/// <see cref="MaxPassOvers"/> times in a row, so grouping never starves anyone.
/// </para>
/// </summary>
public sealed class ContextScheduler
{
    public const int GroupWindow = 8, MaxPassOvers = 4;
    private readonly LlamaEngine _engine;
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _queue = new();
    private int _free;
    private int _passOvers;

    public ContextScheduler(LlamaEngine engine, int contexts)
    {
        _engine = engine;
        _free = contexts;
    }

    /// <summary>Turns waiting now.</summary>
    public int Waiting
    {
        get { lock (_gate) return _queue.Count; }
    }

    /// <summary>Waits for a context and applies <paramref name="choice"/>'s adapters to it.</summary>
    public async Task<ContextTurn> AcquireAsync(AdapterChoice choice, CancellationToken cancellationToken)
    {
        Waiter? waiter = null;
        lock (_gate)
        {
            if (_free > 0 && _queue.Count == 0) _free--;
            else
            {
                waiter = new Waiter(choice);
                waiter.Node = _queue.AddLast(waiter);
            }
        }
        if (waiter is not null)
            await using (cancellationToken.Register(() => Cancel(waiter, cancellationToken)).ConfigureAwait(false))
                await waiter.Granted.Task.ConfigureAwait(false);
        return await OpenAsync(choice, cancellationToken).ConfigureAwait(false);
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (waiter.Node.List is null) return; // already granted: the turn is the caller's to release
            _queue.Remove(waiter.Node);
        }
        waiter.Granted.TrySetCanceled(token);
    }

    private async Task<ContextTurn> OpenAsync(AdapterChoice choice, CancellationToken cancellationToken)
    {
        try
        {
            // Does not wait in service: the scheduler hands out at most as many turns as there are contexts
            // (only a test holding a context of the engine itself makes it wait here).
            // The choice applies its own adapters (a plain set, or a customization into the context's live slot) in
            // place of the engine's set, and the context keeps them afterwards, so the next turn of the same choice
            // finds them applied: no llama.cpp set, no graph re-plan.
            var session = await _engine.AcquireAsync(choice.ApplyTo, cancellationToken).ConfigureAwait(false);
            return new ContextTurn(this, session, choice);
        }
        catch
        {
            Release(choice.Key);
            throw;
        }
    }

    internal void Release(string key)
    {
        Waiter? next;
        lock (_gate)
        {
            next = Pick(key);
            if (next is null) { _free++; return; }
            _queue.Remove(next.Node);
        }
        next.Granted.TrySetResult();
    }

    private Waiter? Pick(string key)
    {
        if (_queue.First is not { } head) return null;
        if (head.Value.Choice.Key != key && _passOvers < MaxPassOvers)
        {
            var node = head.Next;
            for (var seen = 1; node is not null && seen < GroupWindow; seen++, node = node.Next)
                if (node.Value.Choice.Key == key)
                {
                    _passOvers++;
                    return node.Value;
                }
        }
        _passOvers = 0;
        return head.Value;
    }

    private sealed class Waiter(AdapterChoice choice)
    {
        public AdapterChoice Choice { get; } = choice;
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter> Node { get; set; } = null!;
    }
}

/// <summary>One turn on a context with the request's adapters applied; dispose to hand the context on.</summary>
public sealed class ContextTurn : IDisposable
{
    private ContextScheduler? _scheduler;
    private readonly LlamaSession _session;

    internal ContextTurn(ContextScheduler scheduler, LlamaSession session, AdapterChoice choice)
    {
        _scheduler = scheduler;
        _session = session;
        Choice = choice;
    }

    public LlamaContext Context => _session.Context;
    public AdapterChoice Choice { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _scheduler, null) is not { } scheduler) return;
        try { _session.Dispose(); }
        finally { scheduler.Release(Choice.Key); }
    }
}
