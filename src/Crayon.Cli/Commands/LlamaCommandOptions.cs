using System.CommandLine;
using System.Globalization;
using Crayon.Llama;
using Microsoft.Extensions.Logging;

namespace Crayon.Cli.Commands;

/// <summary>The options every command that runs a model shares: model, adapters, backend, context, library folder.</summary>
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
    public Option<int> GpuLayers { get; } = new("--gpu-layers") { Description = "layers to offload to the device (-1: all)", DefaultValueFactory = _ => -1 };
    public Option<int> ContextLength { get; } = new("--ctx") { Description = "context length in tokens", DefaultValueFactory = _ => 2048 };
    public Option<int> Threads { get; } = new("--threads") { Description = "CPU threads (0: one per core)", DefaultValueFactory = _ => 0 };
    public Option<string?> LibraryDirectory { get; } = new("--llama-lib")
    {
        Description = "folder of the llama.cpp build to use (default: $CRAYON_LLAMA_LIB_DIR, else the pinned build fetched by setup)",
    };
    public Option<bool> Verbose { get; } = new("--verbose") { Description = "print llama.cpp's log to stderr" };

    /// <param name="adapters">false for commands that take no --lora (e.g. serve).</param>
    public void AddTo(Command command, bool adapters = true)
    {
        foreach (var option in new Option[] { Model, Lora, Backend, GpuLayers, ContextLength, Threads, LibraryDirectory, Verbose })
            if (adapters || option != Lora) command.Add(option);
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
            var other => throw new ArgumentException($"--backend must be auto, cpu or vulkan, not '{other}'"),
        };
    }

    /// <summary>Loads every --lora and applies them together (runtime mix) to <paramref name="context"/>, which then holds them.</summary>
    public void ApplyAdapters(ParseResult result, LlamaContext context)
    {
        var loaded = new List<LlamaAdapter>();
        try
        {
            var entries = new List<(LlamaAdapter, float)>();
            foreach (var spec in result.GetValue(Lora) ?? [])
            {
                var (path, scale) = ParseLora(spec);
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

    /// <summary>"a.gguf" or "a.gguf:0.5" (a scale is recognised only when the part after the last ':' is a number).</summary>
    internal static (string Path, float Scale) ParseLora(string spec)
    {
        var colon = spec.LastIndexOf(':');
        if (colon > 0 && float.TryParse(spec[(colon + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var scale))
        {
            if (!float.IsFinite(scale)) throw new ArgumentException($"--lora '{spec}': the scale must be a finite number");
            return (spec[..colon], scale);
        }
        return (spec, 1f);
    }
}
