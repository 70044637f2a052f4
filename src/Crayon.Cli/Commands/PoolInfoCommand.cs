using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Crayon.Pool;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>`crayon pool info pool.gguf`: what a pool holds and how it was built (reads and verifies the file).</summary>
internal static class PoolInfoCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("pool") { Description = "a pool file from `crayon pool build`" };
        var json = JsonOutput.CreateOption();
        var command = new Command("info", "Describe a pool: model, signal, adapters, clusters and build provenance") { path, json };
        command.SetAction(result =>
        {
            var file = result.GetValue(path)!;
            if (Directory.Exists(file)) throw new IOException($"{file} is a folder, not a pool file");
            var pool = AdapterPoolFile.Read(file);
            if (result.GetValue(json)) JsonOutput.Write(ToJson(file, pool));
            else Write(file, pool);
            return 0;
        });
        return command;
    }

    private static void Write(string file, AdapterPoolArtifact pool)
    {
        var console = CliConsole.Current();
        console.MarkupLine(Markup.Escape(UntrustedText.Escape(
            $"{Path.GetFullPath(file)}: {pool.Count} adapters, rank {pool.Adapters.Rank}, targets {string.Join(",", AdapterPoolFile.TargetModules(pool.Adapters))}")));
        console.MarkupLine(Markup.Escape(UntrustedText.Escape(
            $"built for model '{pool.Model.Name}' ({pool.Model.Architecture}, fingerprint {pool.Model.Fingerprint[..12]}…), {pool.Signal.ToString().ToLowerInvariant()} signal of {pool.EmbeddingLength} values")));
        var table = new Table().Border(TableBorder.Rounded).AddColumns("key", "value");
        foreach (var (key, value) in pool.Provenance.OrderBy(p => p.Key, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(UntrustedText.Escape(key)), Markup.Escape(UntrustedText.Escape(value)));
        console.Write(table);
        console.MarkupLine(Markup.Escape(UntrustedText.Escape(
            $"adapters (prior: {(pool.Provenance.ContainsKey(PoolPrior.ClusterSizesKey) ? "each cluster's share of the build's examples" : "uniform, no cluster sizes recorded")}): {string.Join(", ", pool.AdapterNames.Select((n, i) => $"{i.ToString(CultureInfo.InvariantCulture)} {n} ({(100 * pool.Prior[i]).ToString("F1", CultureInfo.InvariantCulture)} %)"))}")));
    }

    private static JsonObject ToJson(string file, AdapterPoolArtifact pool)
    {
        var provenance = new JsonObject();
        foreach (var (key, value) in pool.Provenance.OrderBy(p => p.Key, StringComparer.Ordinal)) provenance[key] = value;
        return new JsonObject
        {
            ["file"] = Path.GetFullPath(file),
            ["adapters"] = pool.Count,
            ["rank"] = pool.Adapters.Rank,
            ["targets"] = JsonOutput.Array(AdapterPoolFile.TargetModules(pool.Adapters), t => JsonValue.Create(t)),
            ["model"] = new JsonObject
            {
                ["name"] = pool.Model.Name,
                ["architecture"] = pool.Model.Architecture,
                ["fingerprint"] = pool.Model.Fingerprint,
            },
            ["signal"] = pool.Signal.ToString().ToLowerInvariant(),
            ["embeddingLength"] = pool.EmbeddingLength,
            ["adapterNames"] = JsonOutput.Array(pool.AdapterNames, n => JsonValue.Create(n)),
            ["prior"] = JsonOutput.Array(pool.Prior, p => JsonValue.Create(p)),
            ["provenance"] = provenance,
        };
    }
}
