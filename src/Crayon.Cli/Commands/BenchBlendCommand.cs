using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Crayon.Benchmarking;
using Crayon.Blending;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon bench blend`: blend GB/s over a sweep of pool sizes, Vulkan and CPU, fp32 and fp16,
/// each against the copy bandwidth of the same device measured in the same run.
/// </summary>
public static class BenchBlendCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "Pool sizes in MiB, comma-separated", DefaultValueFactory = _ => "16,64,256" };
        var adapters = new Option<string>("--adapters", "-n") { Description = "Adapters per pool (N), comma-separated", DefaultValueFactory = _ => "8" };
        var backends = new Option<string>("--backends") { Description = "vulkan, cpu, or both", DefaultValueFactory = _ => "vulkan,cpu" };
        var storages = new Option<string>("--storage") { Description = "f32, f16, bf16, comma-separated", DefaultValueFactory = _ => "f32,f16" };
        var mode = new Option<string>("--mode") { Description = "linear or concat", DefaultValueFactory = _ => "linear" };
        var repetitions = new Option<int>("--repetitions", "-r") { Description = "Alternating copy/blend repetitions per configuration", DefaultValueFactory = _ => 10 };
        var device = new Option<string?>("--device") { Description = "Vulkan device index or part of its name" };
        var threads = new Option<int>("--threads") { Description = "CPU path threads (0 = one per core)" };
        var workgroup = new Option<int>("--workgroup-size") { Description = "Vulkan kernel tuning: invocations per workgroup" };
        var loads = new Option<int>("--loads-per-thread") { Description = "Vulkan kernel tuning: 16-byte loads per invocation" };
        var unroll = new Option<int>("--adapter-unroll") { Description = "Vulkan kernel tuning: adapters per loop iteration" };
        var json = new Option<FileInfo?>("--json") { Description = "Write the figures, with the machine and devices, to this JSON file" };
        var command = new Command("blend", "Blend bandwidth (GB/s) against the device's copy bandwidth")
        {
            sizes, adapters, backends, storages, mode, repetitions, device, threads, workgroup, loads, unroll, json,
        };
        command.SetAction(parse =>
        {
            var settings = new BenchBlendSettings(
                ParseList(parse.GetValue(sizes)!, "--sizes", s => long.Parse(s, CultureInfo.InvariantCulture) << 20),
                ParseList(parse.GetValue(adapters)!, "--adapters", s => int.Parse(s, CultureInfo.InvariantCulture)),
                ParseList(parse.GetValue(backends)!, "--backends", ParseBackend),
                ParseList(parse.GetValue(storages)!, "--storage", ParseStorage),
                ParseMode(parse.GetValue(mode)!),
                parse.GetValue(repetitions),
                parse.GetValue(device),
                parse.GetValue(threads),
                new KernelTuning { WorkgroupSize = parse.GetValue(workgroup), LoadsPerThread = parse.GetValue(loads), AdapterUnroll = parse.GetValue(unroll) });
            Run(settings, parse.GetValue(json), AnsiConsole.Console);
            return 0;
        });
        return command;
    }

    public static IReadOnlyList<BlendBandwidthResult> Run(BenchBlendSettings settings, FileInfo? json, IAnsiConsole console)
    {
        if (settings.Repetitions < 1) throw new ArgumentException($"--repetitions must be at least 1, got {settings.Repetitions}");
        if (settings.Adapters.Any(n => n < 1)) throw new ArgumentException("--adapters: every N must be at least 1");
        if (settings.PoolBytes.Any(b => b < 1)) throw new ArgumentException("--sizes: every size must be at least 1 MiB");
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
                    foreach (var bytes in settings.PoolBytes)
                    {
                        var result = BlendBandwidth.Measure(blender, n, bytes, storage, settings.Mode, settings.Repetitions);
                        results.Add(result);
                        console.MarkupLine(Markup.Escape(
                            $"  {result.Storage} N={n} pool {result.PoolBytes / (double)(1 << 20):0} MiB: blend {result.BlendGigabytesPerSecond:0.0} GB/s, " +
                            $"copy {result.CopyGigabytesPerSecond:0.0} GB/s ({result.PercentOfCopy:0}%)"));
                    }
        }
        console.Write(Table(results));
        console.MarkupLine(Markup.Escape($"{machine.Cpu}, {machine.Cores} cores; bytes = pool read + fp32 output written (blend), read + written (copy); best of {settings.Repetitions}."));
        if (json is not null) WriteJson(json, machine, devices, settings, results);
        return results;
    }

    private static BlenderOptions Options(BenchBlendSettings settings, BlendBackend backend)
    {
        if (backend == BlendBackend.Cpu) return new BlenderOptions { Backend = backend, CpuThreads = settings.CpuThreads };
        var options = new BlenderOptions { Backend = backend, Tuning = settings.Tuning };
        if (settings.Device is null) return options;
        return int.TryParse(settings.Device, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? options with { DeviceIndex = index }
            : options with { DeviceName = settings.Device };
    }

    private static Table Table(IReadOnlyList<BlendBandwidthResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("backend", "storage", "N", "pool MiB", "blend µs", "blend GB/s", "copy GB/s", "% of copy");
        foreach (var r in results)
            table.AddRow(r.Backend, r.Storage, r.Adapters.ToString(CultureInfo.InvariantCulture),
                         (r.PoolBytes / (double)(1 << 20)).ToString("0", CultureInfo.InvariantCulture),
                         r.BlendBestMicroseconds.ToString("0", CultureInfo.InvariantCulture),
                         r.BlendGigabytesPerSecond.ToString("0.0", CultureInfo.InvariantCulture),
                         r.CopyGigabytesPerSecond.ToString("0.0", CultureInfo.InvariantCulture),
                         r.PercentOfCopy.ToString("0", CultureInfo.InvariantCulture));
        return table;
    }

    private static void WriteJson(FileInfo file, MachineInfo machine, IReadOnlyList<BlendDevice> devices, BenchBlendSettings settings,
                                  IReadOnlyList<BlendBandwidthResult> results)
    {
        var document = new
        {
            benchmark = "crayon bench blend",
            machine,
            devices = devices.Select(d => new { backend = d.Backend.ToString().ToLowerInvariant(), d.Name, type = d.Type.ToString(), d.Driver, d.ApiVersion, d.Threads }),
            method = "bytes: blend = pool bytes read + fp32 output bytes written; copy = buffer bytes read + written. " +
                     "Copy and blend repetitions alternate; each figure is the best repetition. Vulkan copy = compute-shader copy " +
                     "(transfer = vkCmdCopyBuffer); CPU copy = memcpy split over the worker threads.",
            settings = new { settings.Repetitions, mode = settings.Mode.ToString().ToLowerInvariant() },
            results = results.Select(r => new
            {
                r.Backend, r.Device, r.Storage, r.Mode, r.Adapters, r.PoolBytes, r.OutputBytes, r.BlendBytesMoved,
                r.BlendBestMicroseconds, r.BlendMedianMicroseconds, r.BlendGigabytesPerSecond,
                r.CopyBytes, r.CopyBestMicroseconds, r.CopyGigabytesPerSecond, r.TransferCopyGigabytesPerSecond,
                r.PercentOfCopy, r.DeviceTimed,
            }),
        };
        if (file.Directory is { Exists: false } directory) directory.Create();
        File.WriteAllText(file.FullName, JsonSerializer.Serialize(document, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static T[] ParseList<T>(string text, string option, Func<string, T> parse)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new ArgumentException($"{option} is empty");
        return parts.Select(p =>
        {
            try
            {
                return parse(p);
            }
            catch (FormatException)
            {
                throw new ArgumentException($"{option}: '{p}' is not valid");
            }
            catch (OverflowException)
            {
                throw new ArgumentException($"{option}: '{p}' is out of range");
            }
        }).ToArray();
    }

    private static BlendBackend ParseBackend(string text) => text.ToLowerInvariant() switch
    {
        "vulkan" => BlendBackend.Vulkan,
        "cpu" => BlendBackend.Cpu,
        _ => throw new ArgumentException($"--backends: '{text}' is not vulkan or cpu"),
    };

    private static PoolStorage ParseStorage(string text) => text.ToLowerInvariant() switch
    {
        "f32" => PoolStorage.Float32,
        "f16" => PoolStorage.Float16,
        "bf16" => PoolStorage.BFloat16,
        _ => throw new ArgumentException($"--storage: '{text}' is not f32, f16 or bf16"),
    };

    private static BlendMode ParseMode(string text) => text.ToLowerInvariant() switch
    {
        "linear" => BlendMode.Linear,
        "concat" => BlendMode.Concat,
        _ => throw new ArgumentException($"--mode: '{text}' is not linear or concat"),
    };
}

/// <summary>What `crayon bench blend` sweeps.</summary>
public sealed record BenchBlendSettings(
    IReadOnlyList<long> PoolBytes,
    IReadOnlyList<int> Adapters,
    IReadOnlyList<BlendBackend> Backends,
    IReadOnlyList<PoolStorage> Storages,
    BlendMode Mode,
    int Repetitions,
    string? Device,
    int CpuThreads,
    KernelTuning Tuning);
