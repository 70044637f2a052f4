using System.CommandLine;
using System.Text.Json.Nodes;
using Crayon.Formats.Gguf;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon gguf info FILE`: what a GGUF file holds (metadata and tensors), read from its header only. Keys, values and
/// tensor names come from the file: they are shown with control characters escaped.
/// </summary>
public static class GgufCommand
{
    public static Command Create()
    {
        var gguf = new Command("gguf", "Inspect GGUF files");
        var file = new Argument<string>("file") { Description = "GGUF file (model or adapter)" };
        var items = new Option<int>("--items") { Description = "array elements to show per metadata value", DefaultValueFactory = _ => 8 }.AtLeast(0);
        var json = JsonOutput.CreateOption();
        var info = new Command("info", "List a GGUF file's metadata and tensors") { file, items, json };
        info.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(file);
            if (Directory.Exists(path)) throw new IOException($"{path} is a folder, not a GGUF file");
            var layout = GgufReader.ReadLayout(path);
            if (parse.GetValue(json)) JsonOutput.Write(ToJson(layout, parse.GetValue(items)));
            else Write(layout, parse.GetValue(items));
            return 0;
        });
        gguf.Add(info);
        return gguf;
    }

    private static void Write(GgufLayout layout, int items)
    {
        var console = CliConsole.Current();
        console.MarkupLineInterpolated($"[bold]{UntrustedText.Escape(layout.SourceName)}[/]: GGUF v{layout.Version}, {layout.Length:N0} bytes, alignment {layout.Alignment}, data at byte {layout.DataOffset:N0}");

        var metadata = new Table().Title($"{layout.Metadata.Count} metadata keys").AddColumns("key", "type", "value");
        foreach (var (key, value) in layout.Metadata)
            metadata.AddRow(Shown(key), Markup.Escape(value.TypeName), Shown(value.Render(items)));
        console.Write(metadata);

        var tensors = new Table().Title($"{layout.Tensors.Count} tensors, {layout.Tensors.Sum(t => t.Info.ElementCount):N0} elements")
            .AddColumns("name", "type", "dims (innermost first)", "offset", "bytes");
        foreach (var t in layout.Tensors)
            tensors.AddRow(Shown(t.Info.Name), GgmlTypeTraits.NameOf(t.Info.Type), $"[[{string.Join(", ", t.Info.Dimensions)}]]", $"{t.Offset:N0}", $"{t.Info.ByteSize:N0}");
        console.Write(tensors);
    }

    private static string Shown(string untrusted) => Markup.Escape(UntrustedText.Escape(untrusted));

    private static JsonObject ToJson(GgufLayout layout, int items) => new()
    {
        ["file"] = layout.SourceName,
        ["version"] = layout.Version,
        ["bytes"] = layout.Length,
        ["alignment"] = layout.Alignment,
        ["dataOffset"] = layout.DataOffset,
        ["metadata"] = JsonOutput.Array(layout.Metadata, m => new JsonObject
        {
            ["key"] = m.Key,
            ["type"] = m.Value.TypeName,
            ["count"] = m.Value.Count,
            ["value"] = m.Value.Render(items),
        }),
        ["tensors"] = JsonOutput.Array(layout.Tensors, t => new JsonObject
        {
            ["name"] = t.Info.Name,
            ["type"] = GgmlTypeTraits.NameOf(t.Info.Type),
            ["dimensions"] = JsonOutput.Array(t.Info.Dimensions, d => JsonValue.Create(d)),
            ["offset"] = t.Offset,
            ["bytes"] = t.Info.ByteSize,
        }),
    };
}
