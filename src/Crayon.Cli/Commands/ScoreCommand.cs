using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Crayon.Llama;

namespace Crayon.Cli.Commands;

/// <summary>`crayon score`: the log-likelihood of each answer choice after a prompt, and the best one.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var llama = new LlamaCommandOptions();
        var prompt = new Option<string>("--prompt", "-p") { Description = "the context, e.g. a question ending in \"Answer:\"", Required = true };
        var choices = new Option<string[]>("--choice", "-c") { Description = "a continuation to score; repeat for each choice", Required = true };

        var json = JsonOutput.CreateOption();
        var command = new Command("score", "Score answer choices by their log-likelihood after a prompt") { prompt, choices, json };
        llama.AddTo(command);
        command.SetAction(result =>
        {
            using var model = llama.LoadModel(result);
            using var context = model.CreateContext(llama.ContextOptions(result));
            llama.ApplyAdapters(result, context);
            var scores = context.ScoreContinuations(result.GetValue(prompt)!, result.GetValue(choices)!);
            var best = ContinuationScore.Best(scores);
            if (result.GetValue(json))
            {
                JsonOutput.Write(new JsonObject
                {
                    ["prompt"] = result.GetValue(prompt),
                    ["choices"] = JsonOutput.Array(scores.Select((s, i) => (s, i)), c => new JsonObject
                    {
                        ["index"] = c.i,
                        ["continuation"] = c.s.Continuation,
                        ["logLikelihood"] = c.s.LogLikelihood,
                        ["tokens"] = c.s.Tokens.Length,
                        ["tokenLogProbabilities"] = JsonOutput.Array(c.s.TokenLogProbabilities, p => JsonValue.Create(p)),
                    }),
                    ["best"] = best,
                });
                return 0;
            }
            for (var i = 0; i < scores.Count; i++)
            {
                var s = scores[i];
                var perToken = string.Join(" ", s.TokenLogProbabilities.Select(p => p.ToString("F3", CultureInfo.InvariantCulture)));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{(i == best ? "*" : " ")} {i}  loglik {s.LogLikelihood,10:F4}  tokens {s.Tokens.Length,3}  [{perToken}]  {UntrustedText.Escape(s.Continuation)}"));
            }
            Console.WriteLine($"best: {best} ({UntrustedText.Escape(scores[best].Continuation)})");
            return 0;
        });
        return command;
    }
}
