using System.CommandLine;
using Crayon.Pool;
using Crayon.Pool.Assembly;
using Spectre.Console;

namespace Crayon.Cli.Commands;

/// <summary>`crayon pool extract --pool P --adapter NAME|INDEX -o out.gguf`: one adapter of a pool as a LoRA GGUF.</summary>
internal static class PoolExtractCommand
{
    public static Command Create()
    {
        var pool = new Option<string>("--pool", "-p") { Description = "the pool file", Required = true };
        var adapter = new Option<string>("--adapter", "-a") { Description = "the adapter's name or 0-based index", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "the GGUF file to write", Required = true };
        var command = new Command("extract", "Write one adapter of a pool back out as a LoRA GGUF (byte for byte the original for an assembled GGUF input)")
        {
            pool, adapter, output,
        };
        command.SetAction(result =>
        {
            var outputPath = result.GetValue(output)!;
            OutputFolder.EnsureExists(outputPath, "--output");
            var artifact = AdapterPoolFile.Read(result.GetValue(pool)!);
            var index = PoolExtractor.Find(artifact, result.GetValue(adapter)!);
            var (bytes, original) = PoolExtractor.Extract(artifact, index);
            File.WriteAllBytes(outputPath, bytes);
            CliConsole.Current().WriteLine($"Wrote {Path.GetFullPath(outputPath)}: adapter {index} '{UntrustedText.Escape(artifact.AdapterNames[index])}', " +
                (original ? "byte for byte the GGUF it was assembled from" : "written by Crayon as F32 (it did not come into the pool as a GGUF file)"));
            return 0;
        });
        return command;
    }
}
