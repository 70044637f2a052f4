using System.CommandLine;
using Crayon.Llama;

namespace Crayon.Cli.Commands;

/// <summary>`crayon generate`: continues a prompt, streaming the text to stdout.</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var llama = new LlamaCommandOptions();
        var prompt = new Argument<string>("prompt") { Description = "text to continue" };
        var maxTokens = new Option<int>("-n", "--max-tokens") { Description = "most tokens to generate", DefaultValueFactory = _ => 128 };
        var greedy = new Option<bool>("--greedy") { Description = "always take the most likely token (deterministic)" };
        var temperature = new Option<float>("--temp") { Description = "sampling temperature", DefaultValueFactory = _ => 0.8f };
        var topK = new Option<int>("--top-k") { Description = "keep the k most likely tokens (0: off)", DefaultValueFactory = _ => 40 };
        var topP = new Option<float>("--top-p") { Description = "nucleus sampling threshold (1: off)", DefaultValueFactory = _ => 0.95f };
        var minP = new Option<float>("--min-p") { Description = "drop tokens below min-p × the top probability (0: off)", DefaultValueFactory = _ => 0.05f };
        var seed = new Option<uint?>("--seed") { Description = "sampler seed (default: random)" };

        var command = new Command("generate", "Continue a prompt with a GGUF model (and LoRA adapters), streaming to stdout") { prompt, maxTokens, greedy, temperature, topK, topP, minP, seed };
        llama.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
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
            var output = Console.Out;
            await foreach (var piece in context.GenerateTextAsync(result.GetValue(prompt)!, options, cancellationToken))
            {
                await output.WriteAsync(piece);
                await output.FlushAsync(cancellationToken);
            }
            await output.WriteLineAsync();
            return 0;
        });
        return command;
    }
}
