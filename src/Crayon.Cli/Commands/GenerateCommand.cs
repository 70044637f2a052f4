using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Crayon.Llama;

namespace Crayon.Cli.Commands;

/// <summary>`crayon generate`: continues a prompt, streaming the text to stdout (or, with --json, one document at the end).</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var llama = new LlamaCommandOptions();
        var prompt = new Argument<string?>("prompt") { Description = "text to continue (or -p TEXT)", Arity = ArgumentArity.ZeroOrOne };
        var promptOption = new Option<string?>("--prompt", "-p") { Description = "text to continue, as llama.cpp spells it" };
        var maxTokens = new Option<int>("-n", "--max-tokens", "--n-predict") { Description = "most tokens to generate", DefaultValueFactory = _ => 128 }.AtLeast(1);
        var greedy = new Option<bool>("--greedy") { Description = "always take the most likely token (deterministic)" };
        var temperature = new Option<float>("--temp", "--temperature") { Description = "sampling temperature", DefaultValueFactory = _ => 0.8f }.Within(0, null);
        var topK = new Option<int>("--top-k") { Description = "keep the k most likely tokens (0: off)", DefaultValueFactory = _ => 40 }.AtLeast(0);
        var topP = new Option<float>("--top-p") { Description = "nucleus sampling threshold (1: off)", DefaultValueFactory = _ => 0.95f }.Within(0, 1, exclusiveMin: true);
        var minP = new Option<float>("--min-p") { Description = "drop tokens below min-p × the top probability (0: off)", DefaultValueFactory = _ => 0.05f }.Within(0, 1);
        var seed = new Option<uint?>("--seed", "-s") { Description = "sampler seed (default: random)" };
        var json = JsonOutput.CreateOption();

        var command = new Command("generate", "Continue a prompt with a GGUF model (and LoRA adapters), streaming to stdout")
        {
            prompt, promptOption, maxTokens, greedy, temperature, topK, topP, minP, seed, json,
        };
        llama.AddTo(command);
        command.Validators.Add(result =>
        {
            if ((result.GetValue(prompt) is null) == (result.GetValue(promptOption) is null))
                result.AddError("give the prompt either as an argument or with -p/--prompt, once");
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var text = result.GetValue(prompt) ?? result.GetValue(promptOption)!;
            using var model = llama.LoadModel(result);
            using var context = model.CreateContext(llama.ContextOptions(result));
            llama.ApplyAdapters(result, context);
            var options = new GenerationOptions
            {
                MaxTokens = result.GetValue(maxTokens),
                Sampling = result.GetValue(greedy)
                    ? SamplingOptions.Greedy
                    : new SamplingOptions
                    {
                        Temperature = result.GetValue(temperature),
                        TopK = result.GetValue(topK),
                        TopP = result.GetValue(topP),
                        MinP = result.GetValue(minP),
                        Seed = result.GetValue(seed),
                    },
            };
            var asJson = result.GetValue(json);
            var generated = new StringBuilder();
            var output = Console.Out;
            await foreach (var piece in context.GenerateTextAsync(text, options, cancellationToken))
            {
                generated.Append(piece);
                if (asJson) continue;
                await output.WriteAsync(piece);
                await output.FlushAsync(cancellationToken);
            }
            if (asJson)
                JsonOutput.Write(new JsonObject
                {
                    ["prompt"] = text,
                    ["text"] = generated.ToString(),
                    ["maxTokens"] = options.MaxTokens,
                    ["greedy"] = result.GetValue(greedy),
                    ["seed"] = result.GetValue(seed) is { } s ? JsonValue.Create(s) : null,
                });
            else await output.WriteLineAsync();
            return 0;
        });
        return command;
    }
}
