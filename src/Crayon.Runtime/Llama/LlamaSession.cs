namespace Crayon.Llama;

/// <summary>
/// One request's exclusive use of a pooled context, with the adapter set that was current when the
/// request began. Dispose to give the context back.
/// </summary>
public sealed class LlamaSession : IDisposable
{
    private LlamaEngine? _engine;
    private readonly bool _keepsAdapters;

    internal LlamaSession(LlamaEngine engine, LlamaContext context, bool keepsAdapters = false)
    {
        _engine = engine;
        Context = context;
        _keepsAdapters = keepsAdapters;
    }

    public LlamaContext Context { get; }

    /// <summary>The adapter set this request computes with (fixed for its lifetime).</summary>
    public AdapterSet Adapters => Context.Adapters;

    public void Dispose() => Interlocked.Exchange(ref _engine, null)?.Return(Context, _keepsAdapters);
}
