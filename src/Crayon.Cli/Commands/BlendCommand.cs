using System.CommandLine;
using System.Text.Json.Nodes;
using Crayon.Adapters;
using Crayon.Blending;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon blend --pool a.gguf b.gguf … --weights w1,w2,… --mode RECIPE [--top-k K] -o out.gguf`:
/// uploads the adapters as one pool, blends them on the chosen device and writes the blended adapter.
/// </summary>
public static class BlendCommand
{
    public static Command Create()
    {
        var pool = new Option<string[]>("--pool") { Description = "Adapter GGUF files (same targets, shapes and rank)", Required = true, AllowMultipleArgumentsPerToken = true };
        var weights = new Option<string>("--weights", "-w") { Description = "One weight per adapter, comma-separated (negative and zero allowed)", Required = true }
            .ValidatedList(BlendOptionParsing.Weights);
        var mode = new Option<string>("--mode") { Description = "recipe: linear (A' = Σ w A, B' = Σ w B), concat (exact Σ w B A, rank k·r), or PEFT's ties, dare_linear, dare_ties, magnitude_prune (e.g. ties:density=0.3,majority_sign=frequency; dare_ties:density=0.5,seed=7)", DefaultValueFactory = _ => "linear" };
        var topK = new Option<int?>("--top-k") { Description = "concat: stack only the K adapters of largest |w|" }.AtLeast(1);
        var json = JsonOutput.CreateOption();
        var output = new Option<FileInfo>("--output", "-o") { Description = "The blended adapter (GGUF)", Required = true };
        var storage = new Option<string>("--storage") { Description = "Pool storage on the device: f32, f16 or bf16", DefaultValueFactory = _ => "f32" };
        var type = new Option<string>("--type") { Description = "Tensor type written to the output: " + StorageType.Help, DefaultValueFactory = _ => "f32" };
        var backend = new Option<string>("--backend") { Description = "auto, vulkan or cpu", DefaultValueFactory = _ => "auto" };
        var device = new Option<string?>("--device") { Description = "Vulkan device index or part of its name" };
        var command = new Command("blend", "Blend a pool of LoRA adapters with the given weights into one adapter")
        {
            pool, weights, mode, topK, output, storage, type, backend, device, json,
        };
        command.SetAction(parse =>
        {
            var files = parse.GetValue(pool)!;
            if (files.Length == 0) throw new UsageException("--pool names no adapter file");
            var w = BlendOptionParsing.Weights(parse.GetValue(weights)!, "--weights");
            if (w.Length != files.Length)
                throw new UsageException($"--weights has {w.Length} value(s) but --pool has {files.Length} adapter(s); give one weight per adapter");
            var options = BlendOptionParsing.Device(
                new BlenderOptions { Backend = BlendOptionParsing.Backend(parse.GetValue(backend)!, "--backend", allowAuto: true) }, parse.GetValue(device));
            var adapters = files.Select(LoraAdapterGguf.Read).ToArray();

            using var blender = Blender.Create(options);
            using var resident = blender.Upload(new AdapterPool(adapters), BlendOptionParsing.Storage(parse.GetValue(storage)!, "--storage"));
            var result = resident.Blend(w, BlendOptionParsing.Mode(parse.GetValue(mode)!, "--mode"), parse.GetValue(topK));
            var destination = parse.GetValue(output)!;
            var storageType = StorageType.Parse(parse.GetValue(type), "--type");
            LoraWeightRange.Require(result.Adapter, storageType); // --weights 3e38,3e38 would write Inf/NaN weights
            LoraAdapterGguf.WriteFile(result.Adapter, destination.FullName, storageType);
            if (parse.GetValue(json)) JsonOutput.Write(ToJson(blender.Device, files, w, result, destination));
            else Report(CliConsole.Current(), blender.Device, files, w, result, destination);
            return 0;
        });
        return command;
    }

    private static JsonObject ToJson(BlendDevice device, string[] files, float[] weights, BlendResult result, FileInfo destination)
    {
        var t = result.Timings;
        return new JsonObject
        {
            ["device"] = new JsonObject { ["name"] = device.Name, ["backend"] = device.Backend.ToString().ToLowerInvariant() },
            ["adapters"] = JsonOutput.Array(files.Select((f, i) => (f, i)), a => new JsonObject
            {
                ["file"] = Path.GetFullPath(a.f),
                ["weight"] = weights[a.i],
                ["used"] = result.Blended.Contains(a.i),
            }),
            ["timings"] = new JsonObject
            {
                ["blendMicroseconds"] = t.BlendMicroseconds,
                ["readBackMicroseconds"] = t.ReadBackMicroseconds,
                ["hostMicroseconds"] = t.HostMicroseconds,
                ["deviceTimed"] = t.DeviceTimed,
            },
            ["output"] = destination.FullName,
            ["rank"] = result.Adapter.UniformRank,
            ["alpha"] = result.Adapter.Alpha,
        };
    }

    private static void Report(IAnsiConsole console, BlendDevice device, string[] files, float[] weights, BlendResult result, FileInfo destination)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumns("#", "adapter", "weight", "used");
        for (var i = 0; i < files.Length; i++)
            table.AddRow(i.ToString(), Markup.Escape(UntrustedText.Escape(Path.GetFileName(files[i]))), weights[i].ToString("G6"), result.Blended.Contains(i) ? "yes" : "");
        console.Write(table);
        var t = result.Timings;
        console.MarkupLineInterpolated(
            $"Blended on {UntrustedText.Escape(device.Name)} ({device.Backend}): blend {t.BlendMicroseconds:0.0} µs, read-back {t.ReadBackMicroseconds:0.0} µs, total {t.HostMicroseconds:0.0} µs{(t.DeviceTimed ? " (GPU timestamps)" : "")}");
        console.MarkupLineInterpolated($"Wrote {UntrustedText.Escape(destination.FullName)}: rank {result.Adapter.UniformRank}, alpha {result.Adapter.Alpha:G6}");
    }
}
