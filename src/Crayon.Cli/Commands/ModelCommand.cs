using System.CommandLine;
using System.Text.Json.Nodes;
using Crayon.Formats.Gguf;
using Crayon.Models;

namespace Crayon.Cli.Commands;

/// <summary>`crayon model random`: a llama GGUF of a given shape with seeded random weights (no download needed).</summary>
public static class ModelCommand
{
    public static Command Create()
    {
        var model = new Command("model", "Create models");
        var output = new Option<string>("--output", "-o") { Description = "GGUF model to write", Required = true };
        var preset = new Option<string?>("--preset")
        {
            Description = $"a known shape: smollm-135m, {string.Join(", ", Crayon.Benchmarking.LoraShape.Known.Select(s => s.Name))} (the other options override its fields)",
        };
        var vocab = new Option<int?>("--vocab") { Description = "vocabulary size (≥ 259)" }.AtLeast(259);
        var hidden = new Option<int?>("--hidden") { Description = "embedding length" }.AtLeast(1);
        var layers = new Option<int?>("--layers") { Description = "block count" }.AtLeast(1);
        var ff = new Option<int?>("--ff") { Description = "feed-forward length" }.AtLeast(1);
        var heads = new Option<int?>("--heads") { Description = "query heads" }.AtLeast(1);
        var kvHeads = new Option<int?>("--kv-heads") { Description = "KV heads" }.AtLeast(1);
        var context = new Option<int?>("--context") { Description = "context length" }.AtLeast(1);
        var json = JsonOutput.CreateOption();
        var type = new Option<string>("--type") { Description = "matrix storage: f32, f16 or bf16", DefaultValueFactory = _ => "f32" };
        var seed = new Option<ulong>("--seed") { Description = "random seed", DefaultValueFactory = _ => 0 };
        var random = new Command("random", "Write a llama-architecture GGUF with seeded random weights and a synthetic SentencePiece vocabulary")
        {
            output, preset, vocab, hidden, layers, ff, heads, kvHeads, context, type, seed, json,
        };
        random.SetAction(parse =>
        {
            var start = parse.GetValue(preset) switch
            {
                null => new LlamaHyperparameters(512, 64, 2, 172, 8, 4, 512),
                var name => BenchModelOptions.Hyperparameters(name),
            };
            var h = start with
            {
                VocabSize = parse.GetValue(vocab) ?? start.VocabSize,
                EmbeddingLength = parse.GetValue(hidden) ?? start.EmbeddingLength,
                BlockCount = parse.GetValue(layers) ?? start.BlockCount,
                FeedForwardLength = parse.GetValue(ff) ?? start.FeedForwardLength,
                HeadCount = parse.GetValue(heads) ?? start.HeadCount,
                HeadCountKv = parse.GetValue(kvHeads) ?? start.HeadCountKv,
                ContextLength = parse.GetValue(context) ?? start.ContextLength,
            };
            var storage = StorageType.Parse(parse.GetValue(type), "--type");
            var path = parse.GetRequiredValue(output);
            OutputFolder.EnsureExists(path, "--output");
            RandomLlamaModel.WriteFile(path, h.Validated(), new RandomLlamaModelOptions(parse.GetValue(seed), storage, Name: $"random-llama-{h.BlockCount}x{h.EmbeddingLength}"));
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new JsonObject
                {
                    ["output"] = Path.GetFullPath(path),
                    ["architecture"] = "llama",
                    ["vocab"] = h.VocabSize,
                    ["hidden"] = h.EmbeddingLength,
                    ["blocks"] = h.BlockCount,
                    ["feedForward"] = h.FeedForwardLength,
                    ["heads"] = h.HeadCount,
                    ["kvHeads"] = h.HeadCountKv,
                    ["context"] = h.ContextLength,
                    ["type"] = storage.ToString(),
                    ["bytes"] = new FileInfo(path).Length,
                });
                return 0;
            }
            Console.WriteLine($"wrote {path}: llama, vocab {h.VocabSize}, hidden {h.EmbeddingLength}, {h.BlockCount} blocks, ff {h.FeedForwardLength}, " +
                              $"{h.HeadCount}/{h.HeadCountKv} heads, context {h.ContextLength}, {storage}, {new FileInfo(path).Length:N0} bytes");
            return 0;
        });
        model.Add(random);
        return model;
    }
}
