using System.CommandLine;
using System.Text.Json.Nodes;
using Crayon.Formats.Gguf;
using Crayon.Importers.Llama2c;
using Crayon.Importers.Peft;

namespace Crayon.Cli.Commands;

/// <summary>`crayon import llama2c|peft`: bring models and adapters from other formats into GGUF.</summary>
public static class ImportCommand
{
    public static Command Create()
    {
        var import = new Command("import", "Convert a model or adapter from another format into GGUF");
        import.Add(Llama2c());
        import.Add(Peft());
        return import;
    }

    private static Command Llama2c()
    {
        var model = new Option<string>("--model") { Description = "llama2.c checkpoint in the legacy version-0 format (e.g. stories260K.bin)", Required = true };
        var tokenizer = new Option<string>("--tokenizer") { Description = "llama2.c tokenizer file (e.g. tok512.bin)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "GGUF model to write", Required = true };
        var name = new Option<string?>("--name") { Description = "general.name (default: the checkpoint's file name)" };
        var untie = new Option<bool>("--untie-output") { Description = "write output.weight as a copy of the embedding instead of tying it" };
        var json = JsonOutput.CreateOption();
        var command = new Command("llama2c", "A llama2.c checkpoint and tokenizer become a llama GGUF model with its tokenizer (F32)")
        {
            model, tokenizer, output, name, untie, json,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetRequiredValue(output);
            OutputFolder.EnsureExists(path, "--output");
            Llama2cImporter.Import(parse.GetRequiredValue(model), parse.GetRequiredValue(tokenizer), path,
                new Llama2cImportOptions(parse.GetValue(name), parse.GetValue(untie)));
            var layout = GgufReader.ReadLayout(path);
            var m = layout.Metadata;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new JsonObject
                {
                    ["output"] = Path.GetFullPath(path),
                    ["architecture"] = "llama",
                    ["blocks"] = m.GetUInt32("llama.block_count"),
                    ["embeddingLength"] = m.GetUInt32("llama.embedding_length"),
                    ["tokens"] = m[GgufKeys.Tokens].Count,
                    ["tensors"] = layout.Tensors.Count,
                    ["bytes"] = layout.Length,
                });
                return 0;
            }
            Console.WriteLine($"wrote {path}: llama, {m.GetUInt32("llama.block_count")} blocks, embedding {m.GetUInt32("llama.embedding_length")}, " +
                              $"{m[GgufKeys.Tokens].Count} tokens, {layout.Tensors.Count} tensors, {layout.Length:N0} bytes");
            return 0;
        });
        return command;
    }

    private static Command Peft()
    {
        var adapter = new Option<string>("--adapter") { Description = "PEFT adapter folder (adapter_config.json + adapter_model.safetensors)", Required = true };
        var output = new Option<string>("--output", "-o") { Description = "GGUF LoRA adapter to write", Required = true };
        var baseModel = new Option<string?>("--base") { Description = "base model GGUF: gives head counts and checks every target's shape" };
        var heads = new Option<int?>("--heads") { Description = "query heads of the base model (to reorder q_proj/k_proj rows for llama.cpp's RoPE)" };
        var kvHeads = new Option<int?>("--kv-heads") { Description = "KV heads of the base model (default: --heads)" };
        var storage = new Option<string>("--type") { Description = "storage of the factors: f32, f16 or bf16", DefaultValueFactory = _ => "f32" };
        var name = new Option<string?>("--name") { Description = "general.name (default: the folder's name)" };
        var json = JsonOutput.CreateOption();
        heads.AtLeast(1);
        kvHeads.AtLeast(1);
        var command = new Command("peft", "A PEFT LoRA of a llama-family model becomes a llama.cpp LoRA adapter GGUF")
        {
            adapter, output, baseModel, heads, kvHeads, storage, name, json,
        };
        command.SetAction(parse =>
        {
            var type = StorageType.Parse(parse.GetValue(storage), "--type");
            var path = parse.GetRequiredValue(output);
            OutputFolder.EnsureExists(path, "--output");
            var options = new PeftImportOptions(parse.GetValue(baseModel), parse.GetValue(heads), parse.GetValue(kvHeads), parse.GetValue(name));
            var lora = PeftImporter.Import(parse.GetRequiredValue(adapter), options);
            Crayon.Adapters.LoraAdapterGguf.WriteFile(lora, path, type);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new JsonObject
                {
                    ["output"] = Path.GetFullPath(path),
                    ["architecture"] = lora.Architecture,
                    ["pairs"] = lora.Pairs.Count,
                    ["rank"] = lora.UniformRank,
                    ["alpha"] = lora.Alpha,
                    ["type"] = type.ToString(),
                    ["bytes"] = new FileInfo(path).Length,
                });
                return 0;
            }
            Console.WriteLine($"wrote {path}: LoRA for {lora.Architecture}, {lora.Pairs.Count} pairs, rank {lora.UniformRank?.ToString() ?? "mixed"}, " +
                              $"alpha {lora.Alpha}, {type}, {new FileInfo(path).Length:N0} bytes");
            return 0;
        });
        return command;
    }
}
