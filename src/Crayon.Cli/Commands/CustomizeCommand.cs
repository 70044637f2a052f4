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
/// `crayon customize --pool P --examples user.txt -o adapter.gguf`: the paper's instant customization. q_c from the
/// user's examples (or from embeddings made beforehand with `crayon embed --examples`), alpha from its similarity to the
/// pool's centroids, the blend on the blend device landed in the context's live adapter slot; prints alpha and the time
/// of each step. Several --examples files customize one after another in the same context: the first loads the adapter
/// into llama.cpp, every later one lands in place.
/// </summary>
internal static class CustomizeCommand
{
    public static Command Create()
    {
        var pool = new Option<string>("--pool", "-p") { Description = "pool file from `crayon pool build`", Required = true };
        var model = new Option<string?>("--model", "-m") { Description = "the GGUF model the pool was built for (default: the imported stories260K)" };
        var examples = new Option<string[]>("--examples", "-e")
        {
            Description = "the user's examples: a text file (one example per line; prompt<TAB>response for pairs) or QA JSONL (*.jsonl); " +
                          "repeat to customize one after another in the same context (in place after the first)",
            AllowMultipleArgumentsPerToken = false,
        };
        var embeddings = new Option<string?>("--embeddings") { Description = "instead of --examples: the examples' embeddings from `crayon embed --examples`" };
        var output = new Option<string?>("--output", "-o") { Description = "write the customized adapter here (GGUF; linear and concat only)" };
        var alpha = new AlphaCommandOptions();
        var signal = new Option<string?>("--signal") { Description = "the signal you expect the pool to use (query or hidden); refused when the pool's differs" };
        var backend = new Option<string>("--blend-backend") { Description = "where the blend runs: auto (a Vulkan device if any), vulkan or cpu", DefaultValueFactory = _ => "auto" };
        var noGuard = new Option<bool>("--no-guard") { Description = "make the blend live unjudged (by default a quarter of the examples, at most 8, is held out of alpha and the best on them of no adapter, the blend and alpha halfway to the pool's prior is kept)" };
        var jsonOption = JsonOutput.CreateOption();
        var command = new Command("customize", "Customize the model to a user's examples by blending the pool's adapters (no training)")
        {
            pool, model, examples, embeddings, output,
        };
        alpha.AddTo(command);
        command.Add(signal);
        command.Add(backend);
        command.Add(noGuard);
        command.Add(jsonOption);
        command.SetAction(result =>
        {
            var examplesPaths = result.GetValue(examples) ?? [];
            var embeddingsPath = result.GetValue(embeddings);
            if ((examplesPaths.Length == 0) == (embeddingsPath is null)) throw new UsageException("give the user's examples with either --examples FILE (repeatable) or --embeddings FILE.json");
            var options = new CustomizerOptions
            {
                Alpha = alpha.Alpha(result),
                Mode = alpha.Mode(result),
                Signal = result.GetValue(signal) is { } s ? SignalOption.Parse(s, "--signal") : null,
                Blender = new Blending.BlenderOptions { Backend = BlendOptionParsing.Backend(result.GetValue(backend)!, "--blend-backend", allowAuto: true) },
                Guard = result.GetValue(noGuard) ? GuardOptions.Off : new GuardOptions(),
            };
            var outputPath = result.GetValue(output);
            if (outputPath is not null && options.Mode == CustomizationMode.RuntimeMix)
                throw new UsageException("--recipe mix blends nothing (llama.cpp applies the pool's adapters at run time), so there is no adapter to write with --output; use linear or concat");

            // Cheap checks first: the pool and the examples are read and validated before a model is loaded.
            var poolPath = result.GetValue(pool)!;
            var artifact = AdapterPoolFile.Read(poolPath);
            AlphaCommandOptions.EnsureFits(options.Alpha, artifact.Count);
            if (outputPath is not null) OutputFolder.EnsureExists(outputPath, "--output");
            var exampleSets = examplesPaths.Select(ReadExamples).ToArray();
            var embedded = embeddingsPath is null ? null : ExampleEmbeddingsFile.Read(embeddingsPath);
            embedded?.EnsureMatches(artifact, embeddingsPath!);

            LlamaRuntime.Initialize(new LlamaRuntimeOptions { Logger = new StderrLogger(Microsoft.Extensions.Logging.LogLevel.Error) });
            var modelPath = result.GetValue(model) ?? DefaultModel.EnsureImported();
            using var loaded = LlamaModel.Load(modelPath, new LlamaModelOptions { Backend = LlamaBackend.Cpu });
            using var customizer = new Customizer(loaded, PoolModelIdentity.Of(modelPath), artifact, options);
            using var context = loaded.CreateContext(new LlamaContextOptions { Threads = 1 });
            var device = customizer.BlendDevice?.ToString() ?? "no blend (runtime mix)";
            var runs = embedded is not null
                ? [(embeddingsPath!, embedded.Vectors.Count, (Func<CustomizationResult>)(() => customizer.Apply(customizer.Compute(embedded, embeddingsPath!), context)))]
                : examplesPaths.Zip(exampleSets, (path, set) => (path, set.Count, (Func<CustomizationResult>)(() => customizer.Customize(set, context)))).ToArray();
            var done = new List<(string Source, int Count, CustomizationResult Result)>();
            var json = result.GetValue(jsonOption);
            var console = CliConsole.Current();
            foreach (var (source, count, customize) in runs)
            {
                var customized = customize();
                done.Add((source, count, customized));
                if (json) continue;
                console.MarkupLineInterpolated($"Customized {UntrustedText.Escape(Path.GetFileName(modelPath))} from {count} example{(count == 1 ? "" : "s")} ({UntrustedText.Escape(Path.GetFileName(source))}) with pool {UntrustedText.Escape(Path.GetFileName(poolPath))} ({artifact.Count} adapters, {artifact.Signal.ToString().ToLowerInvariant()} signal)");
                console.Write(AlphaTable(artifact, customized));
                if (customized.Guard is { } verdict) console.WriteLine(verdict.ToString());
                console.WriteLine(Timings(customized, UntrustedText.Escape(device)));
            }
            var last = done[^1];
            // -o writes what went live: the blend at the scale the guard kept. Where it kept the base model there is no
            // adapter to write, and an empty or zero adapter would only look like a customization: nothing is written.
            var keptScale = last.Result.Guard?.KeptScale ?? 1;
            var adapter = outputPath is null || keptScale == 0 ? null : Scaled(customizer.BlendToHost(last.Result.Alpha), keptScale);
            if (adapter is not null) LoraAdapterGguf.WriteFile(adapter, outputPath!);
            if (json)
            {
                var document = ToJson(modelPath, poolPath, last.Count, artifact, last.Result, options.Mode, device, adapter is null ? null : outputPath, adapter?.UniformRank);
                document["output_scale"] = adapter is null ? null : keptScale;
                if (outputPath is not null && adapter is null) document["output_skipped"] = "the guard kept the base model (no adapter), so no adapter was written";
                document["customizations"] = JsonOutput.Array(done, d => new JsonObject
                {
                    ["examples_file"] = Path.GetFullPath(d.Source),
                    ["examples"] = d.Count,
                    ["swap"] = SwapName(d.Result.Swap),
                    ["alpha_to_live_ms"] = d.Result.Timings.AlphaToLive.TotalMilliseconds,
                    ["guard"] = GuardJson(d.Result.Guard),
                    ["total_ms"] = d.Result.Timings.Total.TotalMilliseconds,
                });
                JsonOutput.Write(document);
                return 0;
            }
            if (adapter is not null)
            {
                var kept = last.Result.Guard?.Kept;
                var scaled = keptScale != 1 ? $", scaled by {keptScale.ToString("g", CultureInfo.InvariantCulture)} as the guard kept it"
                    : kept is { Kind: not GuardCandidateKind.Scaled } ? $", {kept.Describe()} as the guard kept it"
                    : "";
                console.MarkupLineInterpolated($"Wrote {Path.GetFullPath(outputPath!)}: rank {adapter.UniformRank}, {last.Result.Blended.Count} adapter(s) blended ({options.Mode.ToString().ToLowerInvariant()}){scaled}");
            }
            else if (outputPath is not null)
            {
                console.MarkupLineInterpolated($"Wrote nothing to {Path.GetFullPath(outputPath)}: the guard kept the base model (no adapter beat it on the held-out examples); without an adapter the model is the base model");
            }
            return 0;
        });
        return command;
    }

    /// <summary>The blend at the guard's scale: B multiplied by it, so ΔW = scale · (alpha / rank) · B·A exactly as live.</summary>
    private static LoraAdapter Scaled(LoraAdapter blend, double scale) => scale == 1
        ? blend
        : new LoraAdapter(blend.Architecture, blend.Alpha,
            blend.Pairs.Select(p => new LoraPair(p.Target, p.A, new LoraMatrix(p.B.Rows, p.B.Cols, p.B.Data.Select(v => (float)(v * scale)).ToArray()))).ToArray(),
            blend.Metadata);

    /// <summary>A user's examples: QA JSONL items (their query texts) for *.jsonl, else a text file of lines.</summary>
    internal static IReadOnlyList<Example> ReadExamples(string path) =>
        path.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
            ? QaJsonlReader.ReadFile(path, QaReaderLimits.UserExamples).AsExamples()
            : ExampleTextFile.Read(path);

    private static JsonObject ToJson(string model, string pool, int examples, AdapterPoolArtifact artifact, CustomizationResult result,
                                     CustomizationMode mode, string device, string? output, int? rank)
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
                ["guard"] = t.Guard.TotalMilliseconds,
                ["total"] = t.Total.TotalMilliseconds,
                ["alpha_to_live"] = t.AlphaToLive.TotalMilliseconds,
            },
            ["output"] = output is null ? null : Path.GetFullPath(output),
            ["rank"] = rank,
            ["swap"] = SwapName(result.Swap),
            ["guard"] = GuardJson(result.Guard),
        };
    }

    /// <summary>The guard's verdict: the kept scale (0: no adapter), why, and each candidate's held-out NLL; null when alpha was given.</summary>
    private static JsonObject? GuardJson(GuardVerdict? verdict) => verdict is null ? null : new JsonObject
    {
        ["kept_scale"] = verdict.KeptScale,
        ["kept"] = verdict.Kept.Name,
        ["skipped"] = verdict.Skipped,
        ["reason"] = verdict.Reason,
        ["fit_examples"] = verdict.FitExamples,
        ["held_out_examples"] = verdict.HeldOutExamples,
        ["forward_passes"] = verdict.ForwardPasses,
        ["ms"] = verdict.Time.TotalMilliseconds,
        ["blends"] = verdict.Blends,
        ["candidates"] = JsonOutput.Array(verdict.Candidates, c => new JsonObject { ["candidate"] = c.Choice.Name, ["scale"] = c.Scale, ["mean_nll"] = c.MeanNll }),
    };

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
        var swap = result.Swap switch
        {
            SwapKind.InPlace => "in place",
            SwapKind.Loaded => "first load of this shape",
            SwapKind.RuntimeMix => "runtime mix",
            _ => throw new ArgumentOutOfRangeException(nameof(result), result.Swap, "unknown swap kind"),
        };
        var guard = t.Guard > TimeSpan.Zero ? $"guard {Ms(t.Guard)} ({result.Guard!.ForwardPasses} forward passes), " : "";
        return $"embed {Ms(t.Embed)}, alpha {Ms(t.Alpha)}, {guard}blend {Ms(t.Blend)} ({device}{kernel}), swap {Ms(t.Swap)} ({swap}): total {Ms(t.Total)}; alpha to live {Ms(t.AlphaToLive)}";
    }

    private static string SwapName(SwapKind swap) => swap switch
    {
        SwapKind.InPlace => "in_place",
        SwapKind.Loaded => "loaded",
        SwapKind.RuntimeMix => "runtime_mix",
        _ => throw new ArgumentOutOfRangeException(nameof(swap), swap, "unknown swap kind"),
    };
}
