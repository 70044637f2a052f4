using System.CommandLine;
using System.Globalization;
using Crayon.Pool;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>`crayon pool info pool.gguf`: what a pool holds and how it was built (reads and verifies the file).</summary>
internal static class PoolInfoCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("pool") { Description = "a pool file from `crayon pool build`" };
        var command = new Command("info", "Describe a pool: model, signal, adapters, clusters and build provenance") { path };
        command.SetAction(result =>
        {
            var file = result.GetValue(path)!;
            var pool = AdapterPoolFile.Read(file);
            var console = CliConsole.Current();
            console.MarkupLineInterpolated($"{Path.GetFullPath(file)}: {pool.Count} adapters, rank {pool.Adapters.Rank}, targets {string.Join(",", AdapterPoolFile.TargetModules(pool.Adapters))}");
            console.MarkupLineInterpolated($"built for model '{pool.Model.Name}' ({pool.Model.Architecture}, fingerprint {pool.Model.Fingerprint[..12]}…), {pool.Signal.ToString().ToLowerInvariant()} signal of {pool.EmbeddingLength} values");
            var table = new Table().Border(TableBorder.Rounded).AddColumns("key", "value");
            foreach (var (key, value) in pool.Provenance.OrderBy(p => p.Key, StringComparer.Ordinal))
                table.AddRow(Markup.Escape(key), Markup.Escape(value));
            console.Write(table);
            console.MarkupLineInterpolated($"adapters: {string.Join(", ", pool.AdapterNames.Select((n, i) => i.ToString(CultureInfo.InvariantCulture) + " " + n))}");
            return 0;
        });
        return command;
    }
}
