using System.CommandLine;
using System.Text.Json.Nodes;
using Crayon.Blending;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>`crayon devices`: the Vulkan devices that can blend, the CPU path, and which one automatic selection picks.</summary>
public static class DevicesCommand
{
    public static Command Create()
    {
        var json = JsonOutput.CreateOption();
        var command = new Command("devices", "List the devices that can blend (Vulkan and the CPU path) and the one chosen automatically") { json };
        command.SetAction(result =>
        {
            if (result.GetValue(json)) JsonOutput.Write(ToJson());
            else Render(CliConsole.Current());
            return 0;
        });
        return command;
    }

    public static void Render(IAnsiConsole console)
    {
        var devices = BlendDevices.List();
        var (backend, index) = BlendDevices.Choose();
        using var cpuBlender = Blender.Create(new BlenderOptions { Backend = BlendBackend.Cpu });
        var table = new Table().Border(TableBorder.Rounded).AddColumns("", "index", "name", "type", "memory", "features");
        var drivers = new List<string>();
        foreach (var d in devices)
        {
            var chosen = backend == BlendBackend.Vulkan && index == d.Index;
            table.AddRow(chosen ? "[green]auto[/]" : "", d.Index.ToString(), Markup.Escape(UntrustedText.Escape(d.Name)), Describe(d), Gib(d.MemoryBytes),
                         Markup.Escape(Features(d)));
            drivers.Add($"{d.Index}: Vulkan {d.ApiVersion}, {d.Driver}");
        }
        var cpu = cpuBlender.Device;
        table.AddRow(backend == BlendBackend.Cpu ? "[green]auto[/]" : "", "cpu", Markup.Escape(UntrustedText.Escape(cpu.Name)), "CPU path", Gib(cpu.MemoryBytes),
                     Markup.Escape(Features(cpu)));
        drivers.Add($"cpu: {cpu.Driver}, {cpu.Threads} threads");
        console.Write(table);
        foreach (var line in drivers) console.MarkupLine(Markup.Escape("  " + UntrustedText.Escape(line)));
        console.MarkupLine(Markup.Escape("Automatic choice: " + UntrustedText.Escape(BlendDevices.WhyChosen(backend, index, devices)) + "."));
        if (devices.Count > 0) console.MarkupLine("Blending commands take [bold]--device <index|name>[/] to pick another Vulkan device.");
    }

    private static JsonObject ToJson()
    {
        var devices = BlendDevices.List();
        var (backend, index) = BlendDevices.Choose();
        using var cpuBlender = Blender.Create(new BlenderOptions { Backend = BlendBackend.Cpu });
        return new JsonObject
        {
            ["vulkan"] = JsonOutput.Array(devices, d => ToJson(d, backend == BlendBackend.Vulkan && index == d.Index)),
            ["cpu"] = ToJson(cpuBlender.Device, backend == BlendBackend.Cpu),
            ["auto"] = backend == BlendBackend.Cpu ? "cpu" : index.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["why"] = BlendDevices.WhyChosen(backend, index, devices),
        };
    }

    private static JsonObject ToJson(BlendDevice d, bool chosen) => new()
    {
        ["index"] = d.Backend == BlendBackend.Cpu ? "cpu" : JsonValue.Create(d.Index),
        ["name"] = d.Name,
        ["type"] = d.Type.ToString(),
        ["usable"] = d.Usable,
        ["auto"] = chosen,
        ["memoryBytes"] = d.MemoryBytes,
        ["apiVersion"] = d.ApiVersion,
        ["driver"] = d.Driver,
        ["subgroupSize"] = d.SubgroupSize,
        ["threads"] = d.Threads,
        ["features"] = JsonOutput.Array(d.Features, f => JsonValue.Create(f)),
    };

    private static string Describe(BlendDevice d) => d.Usable ? d.Type.ToString() : $"{d.Type} (not usable)";

    private static string Features(BlendDevice d)
    {
        var features = d.Features.ToList();
        if (d.SubgroupSize > 0) features.Add(d.Backend == BlendBackend.Cpu ? $"simd {d.SubgroupSize}" : $"subgroup {d.SubgroupSize}");
        return string.Join(", ", features);
    }

    private static string Gib(long bytes) => $"{bytes / (double)(1L << 30):0.0} GiB";
}
