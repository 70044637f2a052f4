using Crayon.Evaluation;
using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tasks;

namespace Crayon.Cli.Commands;

/// <summary>
/// `crayon embed`: a text's embedding (first-layer query signal or mean hidden state) as a JSON array; or, with
/// --examples, a user's examples as a customization request (`crayon customize --embeddings`) that carries the model's
/// fingerprint and the signal, so that it is never matched against another model's pool.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var llama = new LlamaCommandOptions();
        var text = new Argument<string?>("text") { Description = "text to embed", Arity = ArgumentArity.ZeroOrOne };
        var signal = new Option<string>("--signal")
        {
            Description = "query: mean first-layer attention query (pre-RoPE), the paper's signal; hidden: mean last hidden state",
            DefaultValueFactory = _ => "query",
        };
        var examples = new Option<string?>("--examples") { Description = "embed a QA JSONL file of user examples instead (written with --output)" };
        var output = new Option<string?>("--output", "-o") { Description = "with --examples: the embeddings file to write (JSON)" };
        var json = JsonOutput.CreateOption();
        var command = new Command("embed", "Embed a text, or a user's examples, with the model itself") { text, signal, examples, output, json };
        llama.AddTo(command);
        command.SetAction(result =>
        {
            var kind = SignalOption.Parse(result.GetValue(signal)!, "--signal");
            var examplesPath = result.GetValue(examples);
            var input = result.GetValue(text);
            if ((examplesPath is null) == (input is null)) throw new UsageException("give either a text to embed or --examples FILE.jsonl");
            if (examplesPath is not null)
            {
                var path = result.GetValue(output) ?? throw new UsageException("--examples needs --output FILE.json for the embeddings");
                var items = QaJsonlReader.ReadFile(examplesPath, QaReaderLimits.UserExamples);
                using var loaded = llama.LoadModel(result);
                using var embedder = new ExampleEmbedder(loaded, kind);
                var embedded = new ExampleEmbeddings(PoolModelIdentity.Of(result.GetValue(llama.Model)!), kind, embedder.EmbedAll(items.AsExamples().Select(e => e.Prompt).ToArray()));
                ExampleEmbeddingsFile.Write(path, embedded);
                if (result.GetValue(json))
                    JsonOutput.Write(new JsonObject
                    {
                        ["output"] = Path.GetFullPath(path),
                        ["examples"] = items.Count,
                        ["dimension"] = embedded.Dimension,
                        ["signal"] = kind.ToString().ToLowerInvariant(),
                    });
                else Console.WriteLine($"wrote {path}: {items.Count} example(s), {embedded.Dimension} values each ({kind.ToString().ToLowerInvariant()} signal)");
                return 0;
            }
            using var model = llama.LoadModel(result);
            using var plain = new LlamaEmbedder(model, llama.ContextOptions(result));
            var vector = plain.Embed(input!, kind);
            if (result.GetValue(json))
            {
                JsonOutput.Write(new JsonObject
                {
                    ["signal"] = kind.ToString().ToLowerInvariant(),
                    ["dimension"] = vector.Length,
                    ["embedding"] = JsonOutput.Array(vector, v => JsonValue.Create(v)),
                });
                return 0;
            }
            Console.WriteLine("[" + string.Join(",", vector.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]");
            return 0;
        });
        return command;
    }
}
