using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Crayon.Benchmarking;
using Crayon.Blending;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon bench blend`: blend GB/s over a sweep of pool sizes (or real LoRA shapes), Vulkan and CPU, fp32 and fp16,
/// each against the copy bandwidth of the same device measured in the same run.
/// </summary>
public static class BenchBlendCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "Pool sizes in MiB, comma-separated", DefaultValueFactory = _ => "16,64,256" };
        var shapes = new Option<string?>("--shape")
        {
            Description = $"Instead of --sizes: pools of these models' LoRA shapes, comma-separated ({string.Join(", ", LoraShape.Known.Select(s => s.Name))})",
        };
        var adapters = new Option<string>("--adapters", "-n") { Description = "Adapters per pool (N), comma-separated", DefaultValueFactory = _ => "8" };
        var backends = new Option<string>("--backends") { Description = "vulkan, cpu, or both", DefaultValueFactory = _ => "vulkan,cpu" };
        var storages = new Option<string>("--storage") { Description = "f32, f16, bf16, comma-separated", DefaultValueFactory = _ => "f32,f16" };
        var mode = new Option<string>("--mode") { Description = "recipes, comma-separated: linear, concat (stacks all N), ties, dare_linear, dare_ties, magnitude_prune (parameters as in ties:density=0.3)", DefaultValueFactory = _ => "linear" };
        var repetitions = new Option<int>("--repetitions", "-r") { Description = "Alternating copy/blend repetitions per configuration", DefaultValueFactory = _ => 10 };
        var device = new Option<string?>("--device") { Description = "Vulkan device index or part of its name" };
        var threads = new Option<int>("--threads") { Description = "CPU path threads (0 = one per core)" };
        var workgroup = new Option<int>("--workgroup-size") { Description = "Vulkan kernel tuning: invocations per workgroup" };
        var loads = new Option<int>("--loads-per-thread") { Description = "Vulkan kernel tuning: 16-byte loads per invocation" };
        var unroll = new Option<int>("--adapter-unroll") { Description = "Vulkan kernel tuning: adapters per loop iteration" };
        var report = new ReportOutput("write the figures, with the machine and devices, to this JSON file");
        var command = new Command("blend", "Blend bandwidth (GB/s) against the device's copy bandwidth")
        {
            sizes, shapes, adapters, backends, storages, mode, repetitions, device, threads, workgroup, loads, unroll,
        };
        report.AddTo(command);
        command.SetAction(parse =>
        {
            var settings = new BenchBlendSettings(
                BlendOptionParsing.List(parse.GetValue(sizes)!, "--sizes", s => long.Parse(s, CultureInfo.InvariantCulture) << 20),
                BlendOptionParsing.List(parse.GetValue(adapters)!, "--adapters", s => int.Parse(s, CultureInfo.InvariantCulture)),
                BlendOptionParsing.List(parse.GetValue(backends)!, "--backends", b => BlendOptionParsing.Backend(b, "--backends")),
                BlendOptionParsing.List(parse.GetValue(storages)!, "--storage", t => BlendOptionParsing.Storage(t, "--storage")),
                BlendOptionParsing.List(parse.GetValue(mode)!, "--mode", m => BlendOptionParsing.Mode(m, "--mode")),
                parse.GetValue(repetitions),
                parse.GetValue(device),
                parse.GetValue(threads),
                new KernelTuning { WorkgroupSize = parse.GetValue(workgroup), LoadsPerThread = parse.GetValue(loads), AdapterUnroll = parse.GetValue(unroll) })
            {
                Shapes = parse.GetValue(shapes) is { } names ? BlendOptionParsing.List(names, "--shape", LoraShape.Find) : [],
            };
            return ReportOutput.Emit(report.Json(parse), () =>
            {
                if (report.OutPath(parse) is null && !report.Json(parse))
                {
                    Run(settings, null, CliConsole.Current());
                    return null;
                }
                return ReportOutput.WriteAndRead(report.OutPath(parse), report.Json(parse), "blend.json", path => Run(settings, new FileInfo(path), CliConsole.Current()));
            });
        });
        return command;
    }

    public static IReadOnlyList<BlendBandwidthResult> Run(BenchBlendSettings settings, FileInfo? json, IAnsiConsole console)
    {
        if (settings.Repetitions < 1) throw new UsageException($"--repetitions must be at least 1, got {settings.Repetitions}");
        if (settings.Adapters.Any(n => n < 1)) throw new UsageException("--adapters: every N must be at least 1");
        if (settings.PoolBytes.Any(b => b < 1)) throw new UsageException("--sizes: every size must be at least 1 MiB");
        var machine = MachineInfo.Current();
        var results = new List<BlendBandwidthResult>();
        var devices = new List<BlendDevice>();
        foreach (var backend in settings.Backends)
        {
            using var blender = Blender.Create(Options(settings, backend));
            devices.Add(blender.Device);
            console.MarkupLine($"[bold]{Markup.Escape(blender.Device.ToString())}[/]");
            foreach (var storage in settings.Storages)
                foreach (var n in settings.Adapters)
                    foreach (var (label, pool) in Pools(settings, storage, n))
                    {
                        using var resident = blender.Upload(pool, storage);
                        foreach (var mode in settings.Modes)
                        {
                            var result = BlendBandwidth.Measure(blender, resident, mode, settings.Repetitions, label);
                            results.Add(result);
                            console.MarkupLine(Markup.Escape(
                                $"  {result.Storage} {result.Mode} N={n} {result.PoolLabel}: blend {result.BlendBestMicroseconds / 1000:0.000} ms, " +
                                $"{result.BlendGigabytesPerSecond:0.0} GB/s, copy {result.CopyGigabytesPerSecond:0.0} GB/s ({result.PercentOfCopy:0}%)"));
                        }
                    }
        }
        console.Write(Table(results));
        console.MarkupLine(Markup.Escape($"{machine.Cpu}, {machine.Cores} cores; bytes = pool read + fp32 output written (blend), read + written (copy); best of {settings.Repetitions * BlendBandwidth.SamplesPerRound} samples each, copy and blend alternating."));
        if (json is not null) WriteJson(json, "crayon bench blend", machine, devices, settings.Repetitions, results);
        return results;
    }

    /// <summary>The pools of one storage and N: one per size, or one per shape.</summary>
    private static IEnumerable<(string? Label, Crayon.Adapters.AdapterPool Pool)> Pools(BenchBlendSettings settings, PoolStorage storage, int n)
    {
        if (settings.Shapes.Count > 0)
        {
            foreach (var shape in settings.Shapes) yield return (shape.Name, SyntheticPools.ForShape(shape, n));
            yield break;
        }
        var bytesPerElement = storage == PoolStorage.Float32 ? 4 : 2;
        foreach (var bytes in settings.PoolBytes) yield return (null, SyntheticPools.Create(n, bytes, bytesPerElement));
    }

    private static BlenderOptions Options(BenchBlendSettings settings, BlendBackend backend)
    {
        if (backend == BlendBackend.Cpu) return new BlenderOptions { Backend = backend, CpuThreads = settings.CpuThreads };
        return BlendOptionParsing.Device(new BlenderOptions { Backend = backend, Tuning = settings.Tuning }, settings.Device);
    }

    internal static Table Table(IReadOnlyList<BlendBandwidthResult> results)
    {
        var c = CultureInfo.InvariantCulture;
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("backend", "storage", "mode", "N", "pool", "blend ms", "blend GB/s", "copy GB/s", "% of copy");
        foreach (var r in results)
            table.AddRow(r.Backend, r.Storage, r.Mode, r.Adapters.ToString(c), r.PoolLabel,
                         (r.BlendBestMicroseconds / 1000).ToString("0.000", c),
                         r.BlendGigabytesPerSecond.ToString("0.0", c),
                         r.CopyGigabytesPerSecond.ToString("0.0", c),
                         r.PercentOfCopy.ToString("0", c));
        return table;
    }

    /// <summary>Writes the figures with Utf8JsonWriter (no reflection, so trimmed GPU bundles keep working).</summary>
    internal static void WriteJson(FileInfo file, string benchmark, MachineInfo machine, IReadOnlyList<BlendDevice> devices, int repetitions,
                                   IReadOnlyList<BlendBandwidthResult> results, Action<Utf8JsonWriter>? extra = null)
    {
        if (file.Directory is { Exists: false } directory) directory.Create();
        using var stream = File.Create(file.FullName);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteString("benchmark", benchmark);
        machine.WriteJson(json);
        json.WriteStartArray("devices");
        foreach (var d in devices)
        {
            json.WriteStartObject();
            json.WriteString("backend", d.Backend == BlendBackend.Cpu ? "cpu" : "vulkan");
            json.WriteString("name", d.Name);
            json.WriteString("type", d.Type.ToString());
            json.WriteString("driver", d.Driver);
            json.WriteString("api_version", d.ApiVersion);
            json.WriteNumber("threads", d.Threads);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("method",
            "bytes: blend = pool bytes read + fp32 output bytes written (concat stacks all N: N adapters' elements written); copy = buffer " +
            "bytes read + written. Copy and blend repetitions alternate (each repetition: 3 copies, then 3 blends); each figure is the " +
            "best sample. Vulkan copy = compute-shader copy with the same tuning (transfer = vkCmdCopyBuffer); CPU copy = memcpy split " +
            "over the worker threads.");
        json.WriteNumber("repetitions", repetitions);
        json.WriteStartArray("results");
        foreach (var r in results) r.WriteJson(json);
        json.WriteEndArray();
        extra?.Invoke(json);
        json.WriteEndObject();
    }
}

/// <summary>What `crayon bench blend` sweeps.</summary>
public sealed record BenchBlendSettings(
    IReadOnlyList<long> PoolBytes,
    IReadOnlyList<int> Adapters,
    IReadOnlyList<BlendBackend> Backends,
    IReadOnlyList<PoolStorage> Storages,
    IReadOnlyList<BlendRecipe> Modes,
    int Repetitions,
    string? Device,
    int CpuThreads,
    KernelTuning Tuning)
{
    /// <summary>When not empty, pools of these shapes instead of <see cref="PoolBytes"/>.</summary>
    public IReadOnlyList<LoraShape> Shapes { get; init; } = [];
}
