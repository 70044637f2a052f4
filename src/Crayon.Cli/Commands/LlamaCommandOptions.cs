using System.CommandLine;
using System.Globalization;
using Crayon.Llama;
using Microsoft.Extensions.Logging;

namespace Crayon.Cli.Commands;

/// <summary>
/// The options every command that runs a model shares: model, adapters, backend, context, library folder. llama.cpp's
/// own spellings (-ngl, -c/--ctx-size, -t, --lora-scaled FILE S) are aliases, except where a command already uses the
/// short name for something else (score's -c is a choice).
/// </summary>
internal sealed class LlamaCommandOptions
{
    public Option<string> Model { get; } = new("--model", "-m") { Description = "GGUF model file", Required = true };
    public Option<string[]> Lora { get; } = new("--lora")
    {
        Description = "GGUF LoRA adapter, optionally with a scale: a.gguf[:scale]; repeat to mix several at run time",
        AllowMultipleArgumentsPerToken = false,
    };
    public Option<string> Backend { get; } = new("--backend")
    {
        Description = "auto (Vulkan if there is a device, else CPU), cpu or vulkan. Without a GPU, Vulkan runs on lavapipe when GGML_VK_VISIBLE_DEVICES=0",
        DefaultValueFactory = _ => "auto",
    };
    public Option<string[]> LoraScaled { get; } = new("--lora-scaled")
    {
        Description = "llama.cpp's form: --lora-scaled FILE SCALE; repeat for several",
        Arity = new ArgumentArity(2, 2),
        AllowMultipleArgumentsPerToken = true,
        HelpName = "FILE SCALE",
    };
    public Option<int> GpuLayers { get; } = new Option<int>("--gpu-layers", "-ngl", "--n-gpu-layers")
    {
        Description = "layers to offload to the device (-1: all)", DefaultValueFactory = _ => -1,
    }.AtLeast(-1);
    public Option<int> ContextLength { get; } = new Option<int>("--ctx", "-c", "--ctx-size")
    {
        Description = "context length in tokens", DefaultValueFactory = _ => 2048,
    }.AtLeast(1);
    public Option<int> Threads { get; } = new Option<int>("--threads", "-t")
    {
        Description = "CPU threads (0: one per core)", DefaultValueFactory = _ => 0,
    }.AtLeast(0);
    public Option<string?> LibraryDirectory { get; } = new("--llama-lib")
    {
        Description = "folder of the llama.cpp build to use (default: $CRAYON_LLAMA_LIB_DIR, else the pinned build fetched by setup)",
    };
    public Option<bool> Verbose { get; } = new("--verbose") { Description = "print llama.cpp's log to stderr" };

    /// <param name="adapters">false for commands that take no --lora (e.g. serve).</param>
    public void AddTo(Command command, bool adapters = true)
    {
        var taken = command.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var option in new Option[] { Model, Lora, LoraScaled, Backend, GpuLayers, ContextLength, Threads, LibraryDirectory, Verbose })
        {
            if (!adapters && (option == Lora || option == LoraScaled)) continue;
            foreach (var alias in option.Aliases.Where(taken.Contains).ToList()) option.Aliases.Remove(alias);
            command.Add(option);
        }
    }

    public LlamaContextOptions ContextOptions(ParseResult result) => new()
    {
        ContextLength = result.GetValue(ContextLength),
        Threads = result.GetValue(Threads),
    };

    public LlamaModel LoadModel(ParseResult result) => LlamaModel.Load(result.GetValue(Model)!, ModelOptions(result));

    /// <summary>A model from a GGUF image in memory (e.g. one made on the fly), with the command's backend options.</summary>
    public LlamaModel LoadModel(ParseResult result, ReadOnlyMemory<byte> gguf, string name) => LlamaModel.Load(gguf, name, ModelOptions(result));

    private LlamaModelOptions ModelOptions(ParseResult result) =>
        new() { Backend = InitializeRuntime(result), GpuLayers = result.GetValue(GpuLayers) };

    /// <summary>Initializes llama.cpp with the command's library folder and log level; returns the chosen backend.</summary>
    public LlamaBackend InitializeRuntime(ParseResult result)
    {
        LlamaRuntime.Initialize(new LlamaRuntimeOptions
        {
            LibraryDirectory = result.GetValue(LibraryDirectory),
            Logger = new StderrLogger(result.GetValue(Verbose) ? LogLevel.Information : LogLevel.Error),
        });
        return result.GetValue(Backend)?.ToLowerInvariant() switch
        {
            "auto" or null => LlamaBackend.Auto,
            "cpu" => LlamaBackend.Cpu,
            "vulkan" => LlamaBackend.Vulkan,
            var other => throw new UsageException($"--backend must be auto, cpu or vulkan, not '{other}'"),
        };
    }

    /// <summary>Loads every --lora and applies them together (runtime mix) to <paramref name="context"/>, which then holds them.</summary>
    public void ApplyAdapters(ParseResult result, LlamaContext context)
    {
        var loaded = new List<LlamaAdapter>();
        try
        {
            var entries = new List<(LlamaAdapter, float)>();
            foreach (var (path, scale) in Adapters(result))
            {
                var adapter = LlamaAdapter.Load(context.Model, path);
                loaded.Add(adapter);
                entries.Add((adapter, scale));
            }
            context.ApplyAdapters(AdapterSet.Mix(entries.ToArray()));
        }
        finally
        {
            foreach (var adapter in loaded) adapter.Dispose(); // the loader's references; the context keeps its own
        }
    }

    /// <summary>Every adapter of --lora FILE[:S] and --lora-scaled FILE S, in that order.</summary>
    public IEnumerable<(string Path, float Scale)> Adapters(ParseResult result)
    {
        foreach (var spec in result.GetValue(Lora) ?? []) yield return ParseLora(spec);
        var scaled = result.GetValue(LoraScaled) ?? [];
        for (var i = 0; i + 1 < scaled.Length; i += 2) yield return (scaled[i], ParseScale(scaled[i + 1], $"--lora-scaled {scaled[i]}"));
    }

    /// <summary>
    /// "a.gguf" or "a.gguf:0.5". A file whose own name holds the ':' wins; otherwise the part after the last ':' is
    /// the scale and must be a finite number (so "a.gguf:inf" is refused for its scale, not as a missing file).
    /// </summary>
    internal static (string Path, float Scale) ParseLora(string spec)
    {
        var colon = spec.LastIndexOf(':');
        if (colon <= 0 || File.Exists(spec)) return (spec, 1f);
        var suffix = spec[(colon + 1)..];
        if (suffix.Contains('/')) return (spec, 1f); // a path with a ':' in a folder name
        return (spec[..colon], ParseScale(suffix, $"--lora '{spec}'"));
    }

    private static float ParseScale(string text, string what)
    {
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale) && float.IsFinite(scale)) return scale;
        throw new UsageException($"{what}: the scale '{text}' is not a finite number");
    }
}
