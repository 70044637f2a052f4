using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Crayon.Adapters;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Models;
using Crayon.Pool;
using Crayon.Tasks;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon customize --pool P --examples user.jsonl -o adapter.gguf`: the paper's instant customization. q_c from the
/// user's examples (or from embeddings made beforehand with `crayon embed --examples`), alpha from its similarity to the
/// pool's centroids, the blend on the blend device, and the adapter loaded into llama.cpp from memory and set; prints
/// alpha and the time of each step.
/// </summary>
internal static class CustomizeCommand
{
    public static Command Create()
    {
        var pool = new Option<string>("--pool", "-p") { Description = "pool file from `crayon pool build`", Required = true };
        var model = new Option<string?>("--model", "-m") { Description = "the GGUF model the pool was built for (default: the imported stories260K)" };
        var examples = new Option<string?>("--examples", "-e") { Description = "the user's examples: QA JSONL, one item per line (question, choices, answer[, context])" };
        var embeddings = new Option<string?>("--embeddings") { Description = "instead of --examples: the examples' embeddings from `crayon embed --examples`" };
        var output = new Option<string?>("--output", "-o") { Description = "write the customized adapter here (GGUF; linear and concat only)" };
        var alpha = new AlphaCommandOptions();
        var signal = new Option<string?>("--signal") { Description = "the signal you expect the pool to use (query or hidden); refused when the pool's differs" };
        var backend = new Option<string>("--blend-backend") { Description = "where the blend runs: auto (a Vulkan device if any), vulkan or cpu", DefaultValueFactory = _ => "auto" };
        var json = JsonOutput.CreateOption();
        var command = new Command("customize", "Customize the model to a user's examples by blending the pool's adapters (no training)")
        {
            pool, model, examples, embeddings, output,
        };
        alpha.AddTo(command);
        command.Add(signal);
        command.Add(backend);
        command.Add(json);
        command.SetAction(result =>
        {
            var examplesPath = result.GetValue(examples);
            var embeddingsPath = result.GetValue(embeddings);
            if ((examplesPath is null) == (embeddingsPath is null)) throw new ArgumentException("give the user's examples with either --examples FILE.jsonl or --embeddings FILE.json");
            var options = new CustomizerOptions
            {
                Alpha = alpha.Alpha(result),
                Mode = alpha.Mode(result),
                Signal = result.GetValue(signal) is { } s ? SignalOption.Parse(s, "--signal") : null,
                Blender = new Blending.BlenderOptions { Backend = BlendOptionParsing.Backend(result.GetValue(backend)!, "--blend-backend", allowAuto: true) },
            };
            var outputPath = result.GetValue(output);
            if (outputPath is not null && options.Mode == CustomizationMode.RuntimeMix)
                throw new ArgumentException("--mode mix blends nothing (llama.cpp applies the pool's adapters at run time), so there is no adapter to write with --output; use linear or concat");

            // Cheap checks first: the pool and the examples are read and validated before a model is loaded.
            var poolPath = result.GetValue(pool)!;
            var artifact = AdapterPoolFile.Read(poolPath);
            AlphaCommandOptions.EnsureFits(options.Alpha, artifact.Count);
            if (outputPath is not null) OutputFolder.EnsureExists(outputPath, "--output");
            var items = examplesPath is null ? null : QaJsonlReader.ReadFile(examplesPath, QaReaderLimits.UserExamples);
            var embedded = embeddingsPath is null ? null : ExampleEmbeddingsFile.Read(embeddingsPath);
            embedded?.EnsureMatches(artifact, embeddingsPath!);

            LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
            var modelPath = result.GetValue(model) ?? DefaultModel.EnsureImported();
            using var loaded = LlamaModel.Load(modelPath, new LlamaModelOptions { Backend = LlamaBackend.Cpu });
            using var customizer = new Customizer(loaded, PoolModelIdentity.Of(modelPath), artifact, options);
            using var context = loaded.CreateContext(new LlamaContextOptions { Threads = 1 });
            using var customized = items is not null
                ? customizer.Customize(items, context)
                : customizer.Customize(embedded!, context.ApplyAdapters, embeddingsPath!);

            var count = items?.Count ?? embedded!.Vectors.Count;
            if (outputPath is not null) LoraAdapterGguf.WriteFile(customized.Adapter!, outputPath);
            var device = customizer.BlendDevice?.ToString() ?? "no blend (runtime mix)";
            if (result.GetValue(json))
            {
                JsonOutput.Write(ToJson(modelPath, poolPath, count, artifact, customized, options.Mode, device, outputPath));
                return 0;
            }
            var console = CliConsole.Current();
            console.MarkupLineInterpolated($"Customized {UntrustedText.Escape(Path.GetFileName(modelPath))} from {count} example{(count == 1 ? "" : "s")} with pool {UntrustedText.Escape(Path.GetFileName(poolPath))} ({artifact.Count} adapters, {artifact.Signal.ToString().ToLowerInvariant()} signal)");
            console.Write(AlphaTable(artifact, customized));
            console.WriteLine(Timings(customized, UntrustedText.Escape(device)));
            if (outputPath is not null)
            {
                console.MarkupLineInterpolated($"Wrote {Path.GetFullPath(outputPath)}: rank {customized.Adapter!.UniformRank}, {customized.Blended.Count} adapter(s) blended ({options.Mode.ToString().ToLowerInvariant()})");
            }
            return 0;
        });
        return command;
    }

    private static JsonObject ToJson(string model, string pool, int examples, AdapterPoolArtifact artifact, CustomizationResult result,
                                     CustomizationMode mode, string device, string? output)
    {
        var t = result.Timings;
        return new JsonObject
        {
            ["model"] = Path.GetFullPath(model),
            ["pool"] = Path.GetFullPath(pool),
            ["examples"] = examples,
            ["signal"] = artifact.Signal.ToString().ToLowerInvariant(),
            ["mode"] = AlphaCommandOptions.Name(mode),
            ["adapters"] = JsonOutput.Array(Enumerable.Range(0, artifact.Count), i => new JsonObject
            {
                ["index"] = i,
                ["name"] = artifact.AdapterNames[i],
                ["similarity"] = result.Similarities.Length > i && double.IsFinite(result.Similarities[i]) ? result.Similarities[i] : null,
                ["alpha"] = result.Alpha[i],
            }),
            ["blended"] = JsonOutput.Array(result.Blended, b => JsonValue.Create(b)),
            ["device"] = device,
            ["milliseconds"] = new JsonObject
            {
                ["embed"] = t.Embed.TotalMilliseconds,
                ["alpha"] = t.Alpha.TotalMilliseconds,
                ["blend"] = t.Blend.TotalMilliseconds,
                ["swap"] = t.Swap.TotalMilliseconds,
                ["total"] = t.Total.TotalMilliseconds,
            },
            ["output"] = output is null ? null : Path.GetFullPath(output),
            ["rank"] = result.Adapter?.UniformRank,
        };
    }

    /// <summary>alpha per base adapter as a bar, with the similarity it came from.</summary>
    internal static Table AlphaTable(AdapterPoolArtifact pool, CustomizationResult result)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "adapter", "similarity", "alpha", "");
        for (var i = 0; i < pool.Count; i++)
        {
            var a = result.Alpha[i];
            var bar = new string('█', (int)Math.Round(a * 30));
            table.AddRow(i.ToString(CultureInfo.InvariantCulture), Markup.Escape(UntrustedText.Escape(pool.AdapterNames[i])),
                result.Similarities.Length > i && double.IsFinite(result.Similarities[i]) ? result.Similarities[i].ToString("F4", CultureInfo.InvariantCulture) : "-",
                a.ToString("F3", CultureInfo.InvariantCulture), $"[green]{bar}[/]");
        }
        return table;
    }

    /// <summary>"embed 12.3 ms, alpha 0.01 ms, blend 0.4 ms (on ...), swap 1.2 ms: total 13.9 ms".</summary>
    internal static string Timings(CustomizationResult result, string device)
    {
        var t = result.Timings;
        static string Ms(TimeSpan span) => span.TotalMilliseconds.ToString(span.TotalMilliseconds < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + " ms";
        var kernel = result.BlendTimings is { } b
            ? string.Create(CultureInfo.InvariantCulture, $"; kernel {b.BlendMicroseconds:F0} µs, read-back {b.ReadBackMicroseconds:F0} µs")
            : "";
        return $"embed {Ms(t.Embed)}, alpha {Ms(t.Alpha)}, blend {Ms(t.Blend)} ({device}{kernel}), swap {Ms(t.Swap)}: total {Ms(t.Total)}";
    }
}
