using System.CommandLine;
using Crayon.Formats.Gguf;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>`crayon gguf info FILE`: what a GGUF file holds (metadata and tensors), read from its header only.</summary>
public static class GgufCommand
{
    public static Command Create()
    {
        var gguf = new Command("gguf", "Inspect GGUF files");
        var file = new Argument<string>("file") { Description = "GGUF file (model or adapter)" };
        var items = new Option<int>("--items") { Description = "array elements to show per metadata value", DefaultValueFactory = _ => 8 };
        var info = new Command("info", "List a GGUF file's metadata and tensors") { file, items };
        info.SetAction(parse =>
        {
            Write(GgufReader.ReadLayout(parse.GetRequiredValue(file)), Math.Max(0, parse.GetValue(items)));
            return 0;
        });
        gguf.Add(info);
        return gguf;
    }

    private static void Write(GgufLayout layout, int items)
    {
        // Bound to Console.Out at call time, so redirected output (files, tests) receives the tables.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
        });
        if (Console.IsOutputRedirected) console.Profile.Width = 160;
        console.MarkupLineInterpolated($"[bold]{layout.SourceName}[/]: GGUF v{layout.Version}, {layout.Length:N0} bytes, alignment {layout.Alignment}, data at byte {layout.DataOffset:N0}");

        var metadata = new Table().Title($"{layout.Metadata.Count} metadata keys").AddColumns("key", "type", "value");
        foreach (var (key, value) in layout.Metadata)
            metadata.AddRow(Markup.Escape(key), Markup.Escape(value.TypeName), Markup.Escape(value.Render(items)));
        console.Write(metadata);

        var tensors = new Table().Title($"{layout.Tensors.Count} tensors, {layout.Tensors.Sum(t => t.Info.ElementCount):N0} elements")
            .AddColumns("name", "type", "dims (innermost first)", "offset", "bytes");
        foreach (var t in layout.Tensors)
            tensors.AddRow(Markup.Escape(t.Info.Name), GgmlTypeTraits.NameOf(t.Info.Type), $"[[{string.Join(", ", t.Info.Dimensions)}]]", $"{t.Offset:N0}", $"{t.Info.ByteSize:N0}");
        console.Write(tensors);
    }
}
