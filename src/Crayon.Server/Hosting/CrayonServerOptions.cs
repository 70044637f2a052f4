using System.Net;
using Crayon.Blending;
using Crayon.Llama;
using Crayon.Server.Adapters;

namespace Crayon.Server.Hosting;

/// <summary>
/// Everything `crayon serve` takes. The served model is any GGUF (a file, or an image in memory for
/// tests and the demo); pools are optional and only serve /v1/crayon/blend.
/// </summary>
public sealed record CrayonServerOptions
{
    /// <summary>The GGUF model to serve (or give <see cref="ModelImage"/>).</summary>
    public string? ModelPath { get; init; }

    /// <summary>A GGUF model image in memory, loaded without a file.</summary>
    public ReadOnlyMemory<byte>? ModelImage { get; init; }

    /// <summary>The id clients name in "model" and see in /v1/models; default: the model file's name without extension.</summary>
    public string? ModelId { get; init; }

    /// <summary>Adapter pools served by /v1/crayon/blend, each under an id.</summary>
    public IReadOnlyList<PoolSource> Pools { get; init; } = [];

    /// <summary>The address to listen on; the loopback interface unless the operator widens it.</summary>
    public IPAddress Host { get; init; } = IPAddress.Loopback;

    /// <summary>TCP port; 0 picks a free one (see <see cref="CrayonServer.BaseUrl"/>).</summary>
    public int Port { get; init; }

    /// <summary>When set, every endpoint but /health needs "Authorization: Bearer &lt;key&gt;".</summary>
    public string? ApiKey { get; init; }

    /// <summary>llama.cpp contexts: requests computed in parallel, each with its own KV cache.</summary>
    public int Contexts { get; init; } = 1;

    /// <summary>Requests that may wait for a context; past that the server answers 503 with Retry-After.</summary>
    public int MaxQueue { get; init; } = 64;

    /// <summary>How per-request customizations reach a context: in place (default) or, as the benchmark's baseline, reloaded per turn.</summary>
    public Crayon.Server.Customizations.CustomizationSwap CustomizationSwap { get; init; }

    /// <summary>Customizations that may be registered by id (POST /v1/crayon/customizations).</summary>
    public int MaxCustomizations { get; init; } = 10_000;

    /// <summary>CPU threads per context; 0: one per core.</summary>
    public int Threads { get; init; }

    /// <summary>Tokens per context (prompt plus completion).</summary>
    public int ContextLength { get; init; } = 2048;

    /// <summary>The longest a request may take, waiting included; past it the server answers 504.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The largest request body accepted; larger ones get 413.</summary>
    public long MaxBodyBytes { get; init; } = 1 << 20;

    /// <summary>On shutdown, how long requests in flight may run to completion before they are cancelled.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>LoRA adapters for the served model, loaded at start (--lora FILE[:scale]); ids are their positions.</summary>
    public IReadOnlyList<LoraSource> Loras { get; init; } = [];

    /// <summary>The most tokens one request may ask to generate, over all its prompts (prompts × max_tokens).</summary>
    public int MaxRequestTokens { get; init; } = 8192;

    /// <summary>Open TCP connections at most; past it new connections are closed at once (each holds a descriptor and buffers).</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>How long a connection may sit idle between requests (or before its first) before the server closes it.</summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a client may take to send a request's headers.</summary>
    public TimeSpan RequestHeadersTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Host header values accepted (host names, without port; "*" accepts any). Empty: the loopback
    /// names (localhost, 127.0.0.1, [::1]) when listening on loopback, which stops DNS rebinding from a
    /// browser; any host otherwise.
    /// </summary>
    public IReadOnlyList<string> AllowedHosts { get; init; } = [];

    /// <summary>The activation /v1/embeddings returns (the pool's signal: the paper's query vectors by default).</summary>
    public EmbeddingSignal EmbeddingSignal { get; init; } = EmbeddingSignal.Query;

    public LlamaBackend Backend { get; init; } = LlamaBackend.Auto;

    /// <summary>Layers offloaded to the GPU (-1: all).</summary>
    public int GpuLayers { get; init; } = -1;

    /// <summary>Where pools are blended.</summary>
    public BlendBackend BlendBackend { get; init; } = BlendBackend.Auto;

    /// <summary>Requests are logged (one line each) to this sink when set.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        if ((ModelPath is null) == (ModelImage is null)) throw new ArgumentException("give the model to serve as a file (--model) or an image in memory, exactly one of the two");
        if (Port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(Port), Port, "--port must be between 0 (any free port) and 65535");
        ApiKeySource.Check(ApiKey);
        if (MaxRequestTokens is < 1 or > 1 << 24) throw new ArgumentOutOfRangeException(nameof(MaxRequestTokens), MaxRequestTokens, "--max-request-tokens must be between 1 and 16777216");
        if (MaxConnections is < 1 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(MaxConnections), MaxConnections, "--max-connections must be between 1 and 1000000");
        if (KeepAliveTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(KeepAliveTimeout), KeepAliveTimeout, "--keep-alive-timeout must be positive");
        if (RequestHeadersTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestHeadersTimeout), RequestHeadersTimeout, "--headers-timeout must be positive");
        foreach (var host in AllowedHosts)
            if (string.IsNullOrWhiteSpace(host) || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
                throw new ArgumentException($"--allowed-hosts entry '{host}' is not a host name (e.g. example.com, 10.0.0.5, * for any)");
        if (Contexts is < 1 or > 256) throw new ArgumentOutOfRangeException(nameof(Contexts), Contexts, "--contexts must be between 1 and 256");
        if (MaxCustomizations is < 0 or > 1_000_000) throw new ArgumentOutOfRangeException(nameof(MaxCustomizations), MaxCustomizations, "--max-customizations must be between 0 and 1000000");
        if (MaxQueue is < 0 or > 100_000) throw new ArgumentOutOfRangeException(nameof(MaxQueue), MaxQueue, "--max-queue must be between 0 and 100000");
        if (Threads < 0) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "--threads must be 0 (one per core) or more");
        if (ContextLength is < 16 or > 1 << 20) throw new ArgumentOutOfRangeException(nameof(ContextLength), ContextLength, "--ctx must be between 16 and 1048576 tokens");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RequestTimeout), RequestTimeout, "--request-timeout must be positive");
        if (MaxBodyBytes is < 1024 or > 1L << 30) throw new ArgumentOutOfRangeException(nameof(MaxBodyBytes), MaxBodyBytes, "--max-body must be between 1024 bytes and 1 GiB");
        if (DrainTimeout < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(DrainTimeout), DrainTimeout, "the drain timeout must not be negative");
        var duplicate = Pools.GroupBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"pool id '{duplicate.Key}' is given twice (--pool id=path)");
    }
}

/// <summary>A pool file served under <paramref name="Id"/> (what a client names in /v1/crayon/blend).</summary>
public sealed record PoolSource(string Id, string Path)
{
    /// <summary>"path" (id: the file name without extension) or "id=path".</summary>
    public static PoolSource Parse(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        var equals = spec.IndexOf('=');
        var (id, path) = equals > 0 ? (spec[..equals], spec[(equals + 1)..]) : (System.IO.Path.GetFileNameWithoutExtension(spec), spec);
        if (id.Length == 0 || path.Length == 0) throw new ArgumentException($"--pool '{spec}' must be a path or id=path");
        if (!id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            throw new ArgumentException($"--pool id '{id}' may hold only letters, digits, '-', '_' and '.'");
        return new PoolSource(id, path);
    }
}
