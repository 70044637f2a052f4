using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// A LoRA adapter loaded into llama.cpp for one model, from a GGUF file or from memory (no file).
/// Reference counted: the loader holds one reference (released by <see cref="Dispose"/>), and every
/// context or engine that applies it holds one more, so the native adapter is freed only when
/// nothing uses it any longer, whatever the order of swaps and disposals.
/// </summary>
public sealed class LlamaAdapter : IDisposable
{
    private readonly SafeLlamaAdapterHandle _handle;
    private int _references = 1;
    private int _disposed;

    private LlamaAdapter(LlamaModel model, SafeLlamaAdapterHandle handle, string name)
    {
        Model = model;
        _handle = handle;
        Name = name;
    }

    public LlamaModel Model { get; }

    /// <summary>The file path, or the name given to an adapter loaded from memory.</summary>
    public string Name { get; }

    /// <summary>True once the native adapter has been freed (no reference left).</summary>
    public bool IsFreed => Volatile.Read(ref _references) == 0;

    internal IntPtr NativePointer => _handle.DangerousGetHandle();

    /// <summary>Loads a GGUF LoRA file after checking it against the model.</summary>
    public static LlamaAdapter Load(LlamaModel model, string path)
    {
        GgufImageCheck.RequireFile(path, "adapter");
        AdapterCompatibility.RequireFile(model, path);
        var full = Path.GetFullPath(path);
        return Create(model, path, m => LlamaApi.llama_adapter_lora_init(m, full));
    }

    /// <summary>Loads a GGUF LoRA image from memory through fmemopen: nothing touches the disk.</summary>
    public static LlamaAdapter Load(LlamaModel model, ReadOnlyMemory<byte> gguf, string name = "(memory)")
    {
        GgufImageCheck.Require(gguf.Span, name, "adapter");
        AdapterCompatibility.Require(model, gguf, name);
        using var file = SafeMemoryFileHandle.Open(gguf);
        return Create(model, name, m => LlamaApi.llama_adapter_lora_init_from_file_ptr(m, file));
    }

    private static LlamaAdapter Create(LlamaModel model, string name, Func<SafeLlamaModelHandle, IntPtr> load)
    {
        LlamaLogBridge.ClearLastError();
        var handle = SafeLlamaAdapterHandle.Load(model.Handle, load);
        if (handle is null)
        {
            var reason = LlamaLogBridge.TakeLastError();
            throw new InvalidDataException($"llama.cpp could not load adapter '{name}' for model '{model.Name}'" + (reason is null ? "" : $": {reason}"));
        }
        return new LlamaAdapter(model, handle, name);
    }

    /// <summary>Takes a reference; fails when the adapter was already freed.</summary>
    internal void AddReference()
    {
        while (true)
        {
            var current = Volatile.Read(ref _references);
            if (current == 0) throw new ObjectDisposedException(nameof(LlamaAdapter), $"adapter '{Name}' has been freed");
            if (Interlocked.CompareExchange(ref _references, current + 1, current) == current) return;
        }
    }

    internal void ReleaseReference()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0) _handle.Dispose();
        else if (left < 0) throw new InvalidOperationException($"adapter '{Name}' released more often than referenced");
    }

    /// <summary>Gives up the loader's reference; the adapter stays alive while a context or engine uses it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) ReleaseReference();
    }

    public override string ToString() => Name;
}
