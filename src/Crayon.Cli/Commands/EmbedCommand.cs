using System.CommandLine;
using System.Globalization;
using Crayon.Llama;

namespace Crayon.Cli.Commands;

/// <summary>`crayon embed`: a text's embedding (first-layer query signal or mean hidden state) as a JSON array.</summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var llama = new LlamaCommandOptions();
        var text = new Argument<string>("text") { Description = "text to embed" };
        var signal = new Option<string>("--signal")
        {
            Description = "query: mean first-layer attention query (pre-RoPE), the paper's signal; hidden: mean last hidden state",
            DefaultValueFactory = _ => "query",
        };
        var command = new Command("embed", "Embed a text with the model itself") { text, signal };
        llama.AddTo(command);
        command.SetAction(result =>
        {
            var kind = result.GetValue(signal)?.ToLowerInvariant() switch
            {
                "query" => EmbeddingSignal.Query,
                "hidden" => EmbeddingSignal.Hidden,
                var other => throw new ArgumentException($"--signal must be query or hidden, not '{other}'"),
            };
            using var model = llama.LoadModel(result);
            using var embedder = new LlamaEmbedder(model, llama.ContextOptions(result));
            var vector = embedder.Embed(result.GetValue(text)!, kind);
            Console.WriteLine("[" + string.Join(",", vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]");
            return 0;
        });
        return command;
    }
}
