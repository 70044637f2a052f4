using Crayon.Server.Hosting;
using Crayon.Server.Http;
using Crayon.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Completions;

/// <summary>
/// POST /v1/completions: answers each prompt on a context turn of its own (the context is handed on
/// between prompts, so other requests are served in between), as JSON or as an SSE stream.
/// </summary>
public static class CompletionEndpoint
{
    public static async Task HandleAsync(HttpContext http, ServerState state)
    {
        var request = await JsonBody.ReadAsync(http, state.Options.MaxBodyBytes,
            body => CompletionRequest.Parse(body, state.Model.Id, state.Model.ContextLength, state.Options.MaxRequestTokens)).ConfigureAwait(false);
        var choice = state.ChooseAdapters(request.Generation);
        var id = ResponseIds.Next("cmpl");
        await state.RunGenerationAsync(http, choice, async (nextTurn, cancel) =>
        {
            if (request.Generation.Stream) await StreamAsync(http, state, nextTurn, request, id, cancel).ConfigureAwait(false);
            else await AnswerAsync(http, state, nextTurn, request, id, cancel).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static async Task AnswerAsync(HttpContext http, ServerState state, Func<Task<ContextTurn>> nextTurn, CompletionRequest request, string id, CancellationToken cancel)
    {
        var choices = new List<CompletionChoiceBody>();
        int promptTokens = 0, completionTokens = 0;
        for (var i = 0; i < request.Prompts.Count; i++)
        {
            var prompt = request.Prompts[i];
            using var turn = await nextTurn().ConfigureAwait(false);
            EchoedPrompt? echo = null;
            if (request.Echo && request.Generation.LogProbabilities is { } top)
                echo = await Task.Run(() => Guard.Prompt(() => PromptEcho.Score(turn.Context, prompt, top), "prompt"), cancel).ConfigureAwait(false);
            var prefix = request.Echo ? echo?.Text ?? prompt : "";
            var result = await Guard.PromptAsync(() => CompletionRunner.RunAsync(turn.Context, prompt, request.Generation, prefix.Length, null, cancel)).ConfigureAwait(false);
            promptTokens += result.PromptTokens;
            completionTokens += result.CompletionTokens;
            var tokens = (echo?.Tokens ?? []).Concat(result.Tokens).ToArray();
            var logprobs = request.Generation.LogProbabilities is null ? null : LogProbsFormat.Completion(tokens);
            choices.Add(new CompletionChoiceBody(prefix + result.Text, i, logprobs, result.FinishReason));
        }
        await Responses.JsonAsync(http, new CompletionBody(id, "text_completion", ResponseIds.Now, state.Model.Id, choices,
            new UsageBody(promptTokens, completionTokens, promptTokens + completionTokens))).ConfigureAwait(false);
    }

    private static async Task StreamAsync(HttpContext http, ServerState state, Func<Task<ContextTurn>> nextTurn, CompletionRequest request, string id, CancellationToken cancel)
    {
        var events = new ServerSentEvents(http);
        CompletionBody Chunk(string text, IReadOnlyList<LoggedToken> tokens, string? finish) => new(id, "text_completion", ResponseIds.Now, state.Model.Id,
            [new CompletionChoiceBody(text, 0, request.Generation.LogProbabilities is null ? null : LogProbsFormat.Completion(tokens), finish)], null);
        using var turn = await nextTurn().ConfigureAwait(false);
        await events.GuardAsync(async () =>
        {
            var result = await Guard.PromptAsync(() => CompletionRunner.RunAsync(turn.Context, request.Prompts[0], request.Generation, 0,
                delta => events.SendAsync(Chunk(delta.Text, delta.Tokens, null), cancel), cancel)).ConfigureAwait(false);
            await events.SendAsync(Chunk("", [], result.FinishReason), cancel).ConfigureAwait(false);
            if (request.Generation.IncludeUsage)
                await events.SendAsync(new CompletionBody(id, "text_completion", ResponseIds.Now, state.Model.Id, [],
                    new UsageBody(result.PromptTokens, result.CompletionTokens, result.PromptTokens + result.CompletionTokens)), cancel).ConfigureAwait(false);
            await events.DoneAsync(cancel).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
