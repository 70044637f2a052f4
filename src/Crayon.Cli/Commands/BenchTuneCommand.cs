using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Crayon.Benchmarking;
using Crayon.Blending;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon bench tune`: the Vulkan kernel knobs (workgroup size, 16-byte loads per thread, adapters per loop
/// iteration, cap on dispatched workgroups) swept over resident pools: each pool is uploaded once and measured under every tuning (the engine is
/// retuned in place), copy ceiling included, so the defaults can be picked by measurement.
/// </summary>
public static class BenchTuneCommand
{
    public static Command Create()
    {
        var sizes = new Option<string>("--sizes") { Description = "Pool sizes in MiB, comma-separated", DefaultValueFactory = _ => "256,1024" };
        var adapters = new Option<string>("--adapters", "-n") { Description = "Adapters per pool (N), comma-separated", DefaultValueFactory = _ => "8,32" };
        var storages = new Option<string>("--storage") { Description = "f32, f16, bf16, comma-separated", DefaultValueFactory = _ => "f16,f32" };
        var mode = new Option<string>("--mode") { Description = "recipes, comma-separated: linear, concat, ties, dare_linear, dare_ties, magnitude_prune", DefaultValueFactory = _ => "linear" };
        var workgroups = new Option<string>("--workgroup-sizes") { Description = "Invocations per workgroup to try", DefaultValueFactory = _ => "64,128,256,512,1024" };
        var loads = new Option<string>("--loads") { Description = "16-byte loads per thread to try", DefaultValueFactory = _ => "1,2,4,8,16" };
        var unrolls = new Option<string>("--unrolls") { Description = "Adapters folded per loop iteration to try", DefaultValueFactory = _ => "1,2,4,8" };
        var maxWorkgroups = new Option<string>("--max-workgroups") { Description = "Caps on dispatched workgroups to try (0 = the default 65535; a cap makes each workgroup loop over several tiles)", DefaultValueFactory = _ => "0" };
        var grid = new Option<string>("--grid") { Description = "axes: one knob at a time around the defaults (256, 1, 4, no cap); full: every combination", DefaultValueFactory = _ => "axes" };
        var repetitions = new Option<int>("--repetitions", "-r") { Description = "Alternating copy/blend repetitions per configuration", DefaultValueFactory = _ => 3 };
        var device = new Option<string?>("--device") { Description = "Vulkan device index or part of its name" };
        var report = new ReportOutput("write every configuration's figures and the best tuning per pool to this JSON file");
        var command = new Command("tune", "Sweep the Vulkan blend kernels' tuning knobs over resident pools")
        {
            sizes, adapters, storages, mode, workgroups, loads, unrolls, maxWorkgroups, grid, repetitions, device,
        };
        report.AddTo(command);
        command.SetAction(parse =>
        {
            int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
            var tunings = Tunings(BlendOptionParsing.List(parse.GetValue(workgroups)!, "--workgroup-sizes", Int),
                BlendOptionParsing.List(parse.GetValue(loads)!, "--loads", Int), BlendOptionParsing.List(parse.GetValue(unrolls)!, "--unrolls", Int),
                BlendOptionParsing.List(parse.GetValue(maxWorkgroups)!, "--max-workgroups", Int), parse.GetValue(grid)!);
            var poolSizes = BlendOptionParsing.List(parse.GetValue(sizes)!, "--sizes", s => long.Parse(s, CultureInfo.InvariantCulture) << 20);
            var ns = BlendOptionParsing.List(parse.GetValue(adapters)!, "--adapters", Int);
            var storage = BlendOptionParsing.List(parse.GetValue(storages)!, "--storage", t => BlendOptionParsing.Storage(t, "--storage"));
            var modes = BlendOptionParsing.List(parse.GetValue(mode)!, "--mode", m => BlendOptionParsing.Mode(m, "--mode"));
            void Measure(FileInfo? file) => Run(poolSizes, ns, storage, modes, tunings, parse.GetValue(repetitions), parse.GetValue(device), file, CliConsole.Current());
            return ReportOutput.Emit(report.Json(parse), () =>
            {
                if (report.OutPath(parse) is null && !report.Json(parse))
                {
                    Measure(null);
                    return null;
                }
                return ReportOutput.WriteAndRead(report.OutPath(parse), report.Json(parse), "tune.json", path => Measure(new FileInfo(path)));
            });
        });
        return command;
    }

    /// <summary>The tunings to try: every combination, or each knob's values with the others at the engine's defaults.</summary>
    internal static IReadOnlyList<KernelTuning> Tunings(int[] workgroups, int[] loads, int[] unrolls, int[] maxWorkgroups, string grid)
    {
        if (workgroups.Concat(loads).Concat(unrolls).Any(v => v < 1)) throw new UsageException("tuning values must be at least 1");
        if (maxWorkgroups.Any(v => v < 0)) throw new UsageException("--max-workgroups values must be 0 (no cap) or more");
        var defaults = new KernelTuning { WorkgroupSize = 256, LoadsPerThread = 1, AdapterUnroll = 4 };
        var all = grid switch
        {
            "full" => from w in workgroups from l in loads from u in unrolls from m in maxWorkgroups
                      select new KernelTuning { WorkgroupSize = w, LoadsPerThread = l, AdapterUnroll = u, MaxWorkgroups = m },
            "axes" => workgroups.Select(w => defaults with { WorkgroupSize = w })
                .Concat(loads.Select(l => defaults with { LoadsPerThread = l }))
                .Concat(unrolls.Select(u => defaults with { AdapterUnroll = u }))
                .Concat(maxWorkgroups.Select(m => defaults with { MaxWorkgroups = m })),
            _ => throw new UsageException($"--grid must be axes or full, not '{grid}'"),
        };
        return all.Distinct().ToList();
    }

    public static IReadOnlyList<BlendBandwidthResult> Run(IReadOnlyList<long> sizes, IReadOnlyList<int> adapters, IReadOnlyList<PoolStorage> storages,
        IReadOnlyList<BlendRecipe> modes, IReadOnlyList<KernelTuning> tunings, int repetitions, string? device, FileInfo? json, IAnsiConsole console)
    {
        if (repetitions < 1) throw new UsageException($"--repetitions must be at least 1, got {repetitions}");
        var machine = MachineInfo.Current();
        using var blender = Blender.Create(BlendOptionParsing.Device(new BlenderOptions { Backend = BlendBackend.Vulkan }, device));
        console.MarkupLine($"[bold]{Markup.Escape(blender.Device.ToString())}[/]: {tunings.Count} tunings");
        var results = new List<BlendBandwidthResult>();
        var rejected = new List<string>();
        foreach (var storage in storages)
            foreach (var n in adapters)
                foreach (var bytes in sizes)
                {
                    using var resident = blender.Upload(SyntheticPools.Create(n, bytes, storage == PoolStorage.Float32 ? 4 : 2), storage);
                    var poolResults = new List<BlendBandwidthResult>();
                    foreach (var tuning in tunings)
                    {
                        try { blender.Retune(tuning); }
                        catch (Crayon.Interop.Blend.BlendEngineException e)
                        {
                            if (!rejected.Contains(e.Message)) rejected.Add(e.Message);
                            continue;
                        }
                        foreach (var mode in modes) poolResults.Add(BlendBandwidth.Measure(blender, resident, mode, repetitions));
                    }
                    results.AddRange(poolResults);
                    foreach (var best in Bests(poolResults))
                        console.MarkupLine(Markup.Escape($"  {best.Storage} {best.Mode} N={n} {best.PoolLabel}: best {Describe(best.Tuning)} {best.BlendGigabytesPerSecond:0.0} GB/s ({best.PercentOfCopy:0}% of copy)"));
                }
        foreach (var reason in rejected) console.MarkupLine(Markup.Escape($"  skipped: {reason}"));
        var bests = Bests(results);
        console.Write(BenchBlendCommand.Table(bests));
        if (json is not null)
            BenchBlendCommand.WriteJson(json, "crayon bench tune", machine, [blender.Device], repetitions, results, writer =>
            {
                writer.WriteStartArray("best");
                foreach (var r in bests) r.WriteJson(writer);
                writer.WriteEndArray();
                writer.WriteStartArray("rejected");
                foreach (var reason in rejected) writer.WriteStringValue(reason);
                writer.WriteEndArray();
            });
        return results;
    }

    /// <summary>The fastest tuning of every pool (storage, mode, N, size).</summary>
    internal static IReadOnlyList<BlendBandwidthResult> Bests(IEnumerable<BlendBandwidthResult> results) =>
        results.GroupBy(r => (r.Storage, r.Mode, r.Adapters, r.PoolBytes)).Select(g => g.MaxBy(r => r.BlendGigabytesPerSecond)!).ToList();

    private static string Describe(KernelTuning t) =>
        $"wg {t.WorkgroupSize}, loads {t.LoadsPerThread}, unroll {t.AdapterUnroll}" + (t.MaxWorkgroups > 0 ? $", at most {t.MaxWorkgroups} workgroups" : "");
}
