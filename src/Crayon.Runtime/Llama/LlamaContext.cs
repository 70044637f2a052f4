using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// One llama.cpp context: a KV cache and the adapter set applied to it. NOT thread-safe: one request
/// at a time uses it (a second concurrent call fails instead of corrupting state). Contexts of one
/// model may run on different threads in parallel; <see cref="LlamaEngine"/> pools them.
/// </summary>
public sealed partial class LlamaContext : IDisposable
{
    private readonly SafeLlamaContextHandle _handle;
    private readonly NativeBatch _batch;
    private readonly QueryVectorCapture? _queryCapture;
    private int _busy;

    internal LlamaContext(LlamaModel model, LlamaContextOptions options, bool embeddings = false)
    {
        Model = model;
        var contextLength = options.ContextLength > 0 ? options.ContextLength : Math.Min(model.TrainContextLength, 4096);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize);
        var parameters = LlamaApi.llama_context_default_params();
        parameters.n_ctx = (uint)contextLength;
        parameters.n_batch = (uint)Math.Min(options.BatchSize, contextLength);
        parameters.n_ubatch = parameters.n_batch;
        parameters.n_seq_max = 1;
        parameters.n_threads = options.ResolveThreads();
        parameters.n_threads_batch = options.ResolveThreads();
        parameters.no_perf = 1;
        if (embeddings)
        {
            _queryCapture = new QueryVectorCapture("Qcur-0", model.QueryWidth, (int)parameters.n_ubatch);
            parameters.embeddings = 1;
            parameters.pooling_type = LlamaContextParams.PoolingNone;
            unsafe { parameters.cb_eval = QueryVectorCapture.Callback; }
            parameters.cb_eval_user_data = _queryCapture.UserData;
        }
        LlamaLogBridge.ClearLastError();
        try
        {
            _handle = SafeLlamaContextHandle.Create(model.Handle, parameters);
        }
        catch (LlamaNativeException e)
        {
            _queryCapture?.Dispose();
            var reason = LlamaLogBridge.TakeLastError();
            throw new LlamaNativeException(e.Message + (reason is null ? "" : $": {reason}"));
        }
        ContextLength = (int)LlamaApi.llama_n_ctx(_handle);
        BatchSize = (int)LlamaApi.llama_n_batch(_handle);
        _batch = new NativeBatch(BatchSize);
        Adapters = AdapterSet.None;
    }

    public LlamaModel Model { get; }
    public int ContextLength { get; }
    public int BatchSize { get; }

    /// <summary>Tokens now in the KV cache (the next token's position).</summary>
    public int Position { get; private set; }

    internal SafeLlamaContextHandle Handle => _handle;

    internal QueryVectorCapture? QueryCapture => _queryCapture;

    /// <summary>Empties the KV cache.</summary>
    public void Reset()
    {
        using var _ = Enter();
        ClearMemory();
    }

    private void ClearMemory()
    {
        LlamaApi.llama_memory_clear(LlamaApi.llama_get_memory(_handle), data: false);
        Position = 0;
    }

    /// <summary>Drops the cached tokens from <paramref name="position"/> on.</summary>
    private void TruncateMemory(int position)
    {
        if (position >= Position) return;
        if (!LlamaApi.llama_memory_seq_rm(LlamaApi.llama_get_memory(_handle), 0, position, -1))
            throw new LlamaNativeException($"llama.cpp could not remove cached tokens from position {position}");
        Position = position;
    }

    /// <summary>
    /// Decodes <paramref name="tokens"/> after what is cached, in chunks of the batch size.
    /// <paramref name="onOutputs"/> runs after each chunk with the chunk's first index into
    /// <paramref name="tokens"/> and its length; outputs are the positions where <paramref name="wantOutput"/> is true.
    /// </summary>
    private void DecodeTokens(ReadOnlySpan<int> tokens, Func<int, bool> wantOutput, Action<int, int>? onOutputs = null)
    {
        if (Position + tokens.Length > ContextLength) throw new PromptTooLongException(Position + tokens.Length, ContextLength, "input");
        for (var start = 0; start < tokens.Length; start += BatchSize)
        {
            var length = Math.Min(BatchSize, tokens.Length - start);
            _batch.Clear();
            for (var i = 0; i < length; i++) _batch.Add(tokens[start + i], Position + i, wantOutput(start + i));
            var status = DecodeBatch();
            if (status != 0) throw DecodeFailed(status);
            _queryCapture?.EndDecode();
            Position += length;
            onOutputs?.Invoke(start, length);
        }
    }

    private int DecodeBatch()
    {
        var registry = Model.Handle.AdapterRegistryLock;
        registry.EnterReadLock();
        try { return LlamaApi.llama_decode(_handle, _batch.ToNative()); }
        finally { registry.ExitReadLock(); }
    }

    private LlamaNativeException DecodeFailed(int status) => new(status switch
    {
        1 => $"llama_decode found no room in the KV cache ({ContextLength} tokens) for {_batch.Count} more tokens",
        2 => "llama_decode was aborted",
        -1 => "llama_decode rejected the batch as invalid",
        _ => $"llama_decode failed with status {status}" + (LlamaLogBridge.TakeLastError() is { } reason ? $": {reason}" : ""),
    });

    /// <summary>The logits row of batch entry <paramref name="batchIndex"/> of the last decode.</summary>
    private unsafe ReadOnlySpan<float> LogitsAt(int batchIndex)
    {
        var row = LlamaApi.llama_get_logits_ith(_handle, batchIndex);
        if (row is null) throw new LlamaNativeException($"llama.cpp has no logits for batch entry {batchIndex}");
        return new ReadOnlySpan<float>(row, Model.VocabularySize);
    }

    /// <summary>Marks the context in use; a concurrent second caller fails fast.</summary>
    private UseScope Enter()
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
            throw new InvalidOperationException("this LlamaContext is already in use by another call; a context serves one request at a time (use LlamaEngine to pool contexts)");
        return new UseScope(this);
    }

    private readonly struct UseScope(LlamaContext context) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref context._busy, 0);
    }

    public void Dispose()
    {
        if (_handle.IsClosed) return;
        ApplyAdaptersCore(AdapterSet.None);
        _handle.Dispose();
        _batch.Dispose();
        _queryCapture?.Dispose();
    }
}
