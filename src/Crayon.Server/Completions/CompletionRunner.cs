using System.Text;
using Crayon.Llama;

namespace Crayon.Server.Completions;

/// <summary>A piece of an answer ready to send: its text and, when asked for, its tokens' log-probabilities.</summary>
public sealed record CompletionDelta(string Text, IReadOnlyList<LoggedToken> Tokens);

/// <summary>A finished answer. <see cref="FinishReason"/> is "stop" (end of text or a stop sequence) or "length".</summary>
public sealed record CompletionResult(string Text, string FinishReason, int PromptTokens, int CompletionTokens, IReadOnlyList<LoggedToken> Tokens);

/// <summary>
/// Generates one answer on a leased context: token by token on a worker thread (the request thread is
/// free between tokens and cancellation is checked before each), through the stop-sequence filter,
/// handing each released piece to <c>onDelta</c> when streaming.
/// </summary>
public static class CompletionRunner
{
    /// <param name="offsetBase">Characters before the answer in the returned text (an echoed prompt), for text offsets.</param>
    public static async Task<CompletionResult> RunAsync(LlamaContext context, string prompt, GenerationRequest request, int offsetBase,
        Func<CompletionDelta, Task>? onDelta, CancellationToken cancellationToken)
    {
        var tokenizer = context.Model.Tokenizer;
        var promptTokens = tokenizer.Tokenize(prompt, addSpecial: true, parseSpecial: request.ParseSpecialTokens).Length;
        var filter = new StopSequenceFilter(request.Stop);
        var text = new StringBuilder();
        var pending = new List<LoggedToken>();
        var delivered = new List<LoggedToken>();
        var produced = 0;
        var generated = 0; // characters generated so far, stop sequences included
        string? finish = null;

        async Task Deliver(string released, bool final)
        {
            text.Append(released);
            // A token belongs to the answer once text from its start on has been released.
            var answerEnd = offsetBase + text.Length;
            var ready = pending.Where(t => t.Offset < answerEnd || (final && !filter.Stopped)).ToArray();
            pending.RemoveAll(ready.Contains);
            delivered.AddRange(ready);
            if (onDelta is not null && (released.Length > 0 || ready.Length > 0)) await onDelta(new CompletionDelta(released, ready)).ConfigureAwait(false);
        }

        if (request.MaxTokens > 0)
        {
            using var tokens = context.Generate(prompt, request.ToOptions(), cancellationToken).GetEnumerator();
            while (await Task.Run(tokens.MoveNext, cancellationToken).ConfigureAwait(false))
            {
                var token = tokens.Current;
                if (token.Id >= 0)
                {
                    produced++;
                    if (request.LogProbabilities is not null)
                        pending.Add(LogProbabilityList.Token(tokenizer, token.Id, offsetBase + generated, token.LogProbability));
                }
                generated += token.Text.Length;
                await Deliver(filter.Push(token.Text), final: false).ConfigureAwait(false);
                if (filter.Stopped) { finish = "stop"; break; }
            }
            finish ??= context.LastFinishReason == FinishReason.EndOfGeneration ? "stop" : "length";
        }
        else finish = "length";
        await Deliver(filter.Flush(), final: true).ConfigureAwait(false);
        return new CompletionResult(text.ToString(), finish, promptTokens, produced, delivered);
    }
}
