using System.Runtime.InteropServices;
using System.Text;
using Crayon.Formats.Gguf;
using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// A GGUF model loaded into llama.cpp, from a file or from memory. Thread-safe: contexts, adapters and
/// tokenization may be used from several threads (each context by one thread at a time).
/// </summary>
public sealed class LlamaModel : IDisposable
{
    private LlamaModel(SafeLlamaModelHandle handle, string name, LlamaDevice? device, GgufLayout layout)
    {
        Handle = handle;
        Layout = layout;
        Name = name;
        Device = device;
        Architecture = GetMetadata("general.architecture") ?? "";
        VocabularySize = 0;
        EmbeddingSize = LlamaApi.llama_model_n_embd(handle);
        LayerCount = LlamaApi.llama_model_n_layer(handle);
        HeadCount = LlamaApi.llama_model_n_head(handle);
        HeadCountKv = LlamaApi.llama_model_n_head_kv(handle);
        TrainContextLength = LlamaApi.llama_model_n_ctx_train(handle);
        ParameterCount = (long)LlamaApi.llama_model_n_params(handle);
        Tokenizer = new LlamaTokenizer(this);
        VocabularySize = Tokenizer.Count;
    }

    internal SafeLlamaModelHandle Handle { get; }

    /// <summary>The model file's GGUF header (metadata, tensor shapes): what adapters are checked against.</summary>
    internal GgufLayout Layout { get; }

    /// <summary>The file path, or the name given to a model loaded from memory.</summary>
    public string Name { get; }

    /// <summary>The device layers are offloaded to; null when the model runs on the CPU.</summary>
    public LlamaDevice? Device { get; }

    /// <summary>general.architecture, e.g. "llama".</summary>
    public string Architecture { get; }

    public int VocabularySize { get; }
    public int EmbeddingSize { get; }
    public int LayerCount { get; }
    public int HeadCount { get; }
    public int HeadCountKv { get; }
    public int TrainContextLength { get; }
    public long ParameterCount { get; }

    public LlamaTokenizer Tokenizer { get; }

    /// <summary>Width of one token's query projection (heads × head size): the query signal's length.</summary>
    public int QueryWidth => HeadCount * (int.TryParse(GetMetadata($"{Architecture}.attention.key_length"), out var headSize)
        ? headSize
        : EmbeddingSize / Math.Max(1, HeadCount));

    public static LlamaModel Load(string path, LlamaModelOptions? options = null)
    {
        options ??= new LlamaModelOptions();
        GgufImageCheck.RequireFile(path, "model");
        var layout = ReadLayout(() => GgufReader.ReadLayout(path));
        var device = LlamaRuntime.EnsureInitialized().SelectDevice(options.Backend);
        var handle = WithParameters(options, device, useMmap: options.UseMmap,
            parameters => LlamaApi.llama_model_load_from_file(Path.GetFullPath(path), parameters));
        return new LlamaModel(handle ?? throw LoadFailed(path), path, device, layout);
    }

    /// <summary>Loads a GGUF image from memory through fmemopen: no file is written.</summary>
    public static LlamaModel Load(ReadOnlyMemory<byte> gguf, string name = "(memory)", LlamaModelOptions? options = null)
    {
        options ??= new LlamaModelOptions();
        GgufImageCheck.Require(gguf.Span, name, "model");
        var layout = ReadLayout(() =>
        {
            using var stream = AdapterCompatibility.AsStream(gguf);
            return GgufReader.ReadLayout(stream, name);
        });
        var device = LlamaRuntime.EnsureInitialized().SelectDevice(options.Backend);
        using var file = SafeMemoryFileHandle.Open(gguf);
        var handle = WithParameters(options, device, useMmap: false,
            parameters => LlamaApi.llama_model_load_from_file_ptr(file, parameters));
        return new LlamaModel(handle ?? throw LoadFailed(name), name, device, layout);
    }

    // Our reader checks the header (and that every tensor lies inside the file) before llama.cpp does.
    private static GgufLayout ReadLayout(Func<GgufLayout> read)
    {
        try { return read(); }
        catch (GgufFormatException e) { throw new InvalidDataException($"model is not a valid GGUF file: {e.Message}", e); }
    }

    private static unsafe SafeLlamaModelHandle? WithParameters(LlamaModelOptions options, LlamaDevice? device, bool useMmap,
        Func<LlamaModelParams, IntPtr> load)
    {
        var parameters = LlamaApi.llama_model_default_params();
        // A NULL-terminated device list: empty keeps every layer (and every op) on the CPU.
        var devices = stackalloc IntPtr[2];
        devices[0] = device?.Handle ?? IntPtr.Zero;
        devices[1] = IntPtr.Zero;
        parameters.devices = (IntPtr)devices;
        parameters.n_gpu_layers = device is null ? 0 : options.GpuLayers;
        if (!useMmap) parameters.load_mode = LlamaModelParams.LoadModeNone;
        LlamaLogBridge.ClearLastError();
        var model = load(parameters);
        return model == IntPtr.Zero ? null : new SafeLlamaModelHandle(model);
    }

    private static InvalidDataException LoadFailed(string name)
    {
        var reason = LlamaLogBridge.TakeLastError();
        return new InvalidDataException($"llama.cpp could not load model '{name}'" + (reason is null ? "" : $": {reason}"));
    }

    /// <summary>A GGUF metadata value rendered as a string (arrays are not available), or null.</summary>
    public unsafe string? GetMetadata(string key)
    {
        Span<byte> buffer = stackalloc byte[512];
        int length;
        fixed (byte* p = buffer)
        {
            length = LlamaApi.llama_model_meta_val_str(Handle, key, p, (nuint)buffer.Length);
            if (length < 0) return null;
            if (length < buffer.Length) return Encoding.UTF8.GetString(buffer[..length]);
        }
        var large = new byte[length + 1];
        fixed (byte* p = large) LlamaApi.llama_model_meta_val_str(Handle, key, p, (nuint)large.Length);
        return Encoding.UTF8.GetString(large, 0, length);
    }

    /// <summary>llama.cpp's one-line description, e.g. "llama ?B F16".</summary>
    public unsafe string Description
    {
        get
        {
            Span<byte> buffer = stackalloc byte[256];
            fixed (byte* p = buffer)
            {
                var length = LlamaApi.llama_model_desc(Handle, p, (nuint)buffer.Length);
                return length <= 0 ? "" : Encoding.UTF8.GetString(buffer[..Math.Min(length, buffer.Length - 1)]);
            }
        }
    }

    public LlamaContext CreateContext(LlamaContextOptions? options = null) => new(this, options ?? new LlamaContextOptions());

    public void Dispose() => Handle.Dispose();

    public override string ToString() => $"{Name} ({Architecture}, {ParameterCount:N0} parameters, {(Device is null ? "CPU" : Device.Name)})";
}
