using System.Collections.Concurrent;

namespace Crayon.Llama;

/// <summary>
/// Serves requests on one model: a pool of contexts (one request per context at a time) and the
/// current adapter set, swapped atomically by <see cref="SetAdapters"/>. A request takes a
/// <see cref="LlamaSession"/>, which keeps the adapter set that was current when it began until it
/// ends, whatever swaps happen meanwhile; an adapter is freed when no engine slot, session or
/// context uses it any longer.
/// </summary>
public sealed class LlamaEngine : IDisposable
{
    private readonly LlamaEngineOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly ConcurrentBag<LlamaContext> _idle = [];
    private readonly List<LlamaContext> _all = [];
    private readonly Lock _gate = new();
    private AdapterSet _current = AdapterSet.None;
    private bool _disposed;

    public LlamaEngine(LlamaModel model, LlamaEngineOptions? options = null)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        _options = options ?? new LlamaEngineOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(_options.MaxContexts);
        _slots = new SemaphoreSlim(_options.MaxContexts, _options.MaxContexts);
    }

    public LlamaModel Model { get; }

    /// <summary>The set the next session starts with.</summary>
    public AdapterSet Adapters
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>
    /// Makes <paramref name="adapters"/> current for sessions that start from now on. Sessions in flight
    /// keep theirs. The engine's reference on the previous set is released (its adapters are freed
    /// once no session or context uses them either).
    /// </summary>
    public void SetAdapters(AdapterSet adapters)
    {
        ArgumentNullException.ThrowIfNull(adapters);
        foreach (var (adapter, _) in adapters.Entries)
            if (!ReferenceEquals(adapter.Model, Model))
                throw new ArgumentException($"adapter '{adapter.Name}' was loaded for model '{adapter.Model.Name}', not for '{Model.Name}'");
        AdapterSet previous;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            adapters.AddReferences();
            previous = _current;
            _current = adapters;
        }
        previous.ReleaseReferences();
    }

    /// <summary>Waits for a free context and returns it with the current adapter set applied.</summary>
    public LlamaSession Acquire(CancellationToken cancellationToken = default)
    {
        _slots.Wait(cancellationToken);
        return Open();
    }

    public async Task<LlamaSession> AcquireAsync(CancellationToken cancellationToken = default)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Open();
    }

    /// <summary>
    /// Waits for a free context and lets <paramref name="prepare"/> give it the adapters this request needs (e.g. a
    /// customization landing in the context's live slot) instead of the engine's current set. The context keeps what
    /// <paramref name="prepare"/> applied when the session ends, so the next request for the same adapters finds them in
    /// place, with no llama.cpp set and no graph re-plan.
    /// </summary>
    public async Task<LlamaSession> AcquireAsync(Action<LlamaContext> prepare, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prepare);
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        LlamaContext? context = null;
        try
        {
            lock (_gate) ObjectDisposedException.ThrowIf(_disposed, this);
            context = TakeContext();
            prepare(context);
            return new LlamaSession(this, context, keepsAdapters: true);
        }
        catch
        {
            if (context is not null) _idle.Add(context);
            _slots.Release();
            throw;
        }
    }

    private LlamaSession Open()
    {
        try
        {
            var context = TakeContext();
            AdapterSet snapshot;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                snapshot = _current;
                snapshot.AddReferences(); // hold it while the context takes its own references
            }
            try { context.ApplyAdapters(snapshot); }
            catch { _idle.Add(context); throw; }
            finally { snapshot.ReleaseReferences(); }
            return new LlamaSession(this, context);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    private LlamaContext TakeContext()
    {
        if (_idle.TryTake(out var context)) return context;
        context = Model.CreateContext(_options.Context);
        lock (_gate) _all.Add(context);
        return context;
    }

    internal void Return(LlamaContext context, bool keepsAdapters)
    {
        try
        {
            // A context left with a superseded engine set would keep its adapters alive while idle: drop them now. A
            // caller-prepared context keeps its adapters on purpose (a live slot is reused by the next request for it).
            if (!keepsAdapters && !ReferenceEquals(context.Adapters, Adapters)) context.ApplyAdapters(AdapterSet.None);
        }
        finally
        {
            _idle.Add(context);
            _slots.Release();
        }
    }

    /// <summary>Generates on a pooled context with the adapter set current at the start.</summary>
    public async IAsyncEnumerable<string> GenerateTextAsync(string prompt, GenerationOptions? options = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var session = await AcquireAsync(cancellationToken).ConfigureAwait(false);
        await foreach (var piece in session.Context.GenerateTextAsync(prompt, options, cancellationToken).ConfigureAwait(false))
            yield return piece;
    }

    /// <summary>Frees the contexts (after the sessions in flight end) and releases the current set.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
        }
        for (var i = 0; i < _options.MaxContexts; i++) _slots.Wait();
        foreach (var context in _all) context.Dispose();
        _current.ReleaseReferences();
        _current = AdapterSet.None;
        _slots.Dispose();
    }
}
