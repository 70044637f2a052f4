using Crayon.Server.Hosting;
using Crayon.Server.Http;
using Crayon.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Completions;

/// <summary>POST /v1/chat/completions: the conversation rendered by <see cref="ChatPrompt"/>, answered like a completion on one context turn.</summary>
public static class ChatEndpoint
{
    public static async Task HandleAsync(HttpContext http, ServerState state)
    {
        var request = await JsonBody.ReadAsync(http, state.Options.MaxBodyBytes,
            body => ChatRequest.Parse(body, state.Model.Id, state.Model.ContextLength, state.Options.MaxRequestTokens)).ConfigureAwait(false);
        var rendered = ChatPrompt.Render(request.Messages, state.Model.ChatTemplate);
        var generation = request.Generation with { ParseSpecialTokens = rendered.ParseSpecial };
        var choice = state.ChooseAdapters(generation);
        var id = ResponseIds.Next("chatcmpl");
        await state.RunGenerationAsync(http, choice, async (nextTurn, cancel) =>
        {
            if (generation.Stream) await StreamAsync(http, state, nextTurn, rendered.Text, generation, id, cancel).ConfigureAwait(false);
            else await AnswerAsync(http, state, nextTurn, rendered.Text, generation, id, cancel).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    private static async Task AnswerAsync(HttpContext http, ServerState state, Func<Task<ContextTurn>> nextTurn, string prompt, GenerationRequest generation, string id, CancellationToken cancel)
    {
        CompletionResult result;
        using (var turn = await nextTurn().ConfigureAwait(false))
            result = await Guard.PromptAsync(() => CompletionRunner.RunAsync(turn.Context, prompt, generation, 0, null, cancel), "messages").ConfigureAwait(false);
        var logprobs = generation.LogProbabilities is null ? null : LogProbsFormat.Chat(result.Tokens);
        await Responses.JsonAsync(http, new ChatBody(id, "chat.completion", ResponseIds.Now, state.Model.Id,
            [new ChatChoiceBody(0, new ChatMessageBody("assistant", result.Text), logprobs, result.FinishReason)],
            new UsageBody(result.PromptTokens, result.CompletionTokens, result.PromptTokens + result.CompletionTokens))).ConfigureAwait(false);
    }

    private static async Task StreamAsync(HttpContext http, ServerState state, Func<Task<ContextTurn>> nextTurn, string prompt, GenerationRequest generation, string id, CancellationToken cancel)
    {
        var events = new ServerSentEvents(http);
        ChatChunkBody Chunk(ChatMessageBody delta, IReadOnlyList<LoggedToken> tokens, string? finish) => new(id, "chat.completion.chunk", ResponseIds.Now, state.Model.Id,
            [new ChatChunkChoiceBody(0, delta, generation.LogProbabilities is null || tokens.Count == 0 ? null : LogProbsFormat.Chat(tokens), finish)]);
        using var turn = await nextTurn().ConfigureAwait(false);
        Guard.Fits(turn.Context, prompt, "messages", generation.ParseSpecialTokens);
        await events.GuardAsync(async () =>
        {
            await events.SendAsync(Chunk(new ChatMessageBody("assistant", ""), [], null), cancel).ConfigureAwait(false);
            var result = await Guard.PromptAsync(() => CompletionRunner.RunAsync(turn.Context, prompt, generation, 0,
                delta => events.SendAsync(Chunk(new ChatMessageBody(null, delta.Text), delta.Tokens, null), cancel), cancel), "messages").ConfigureAwait(false);
            await events.SendAsync(Chunk(new ChatMessageBody(null, null), [], result.FinishReason), cancel).ConfigureAwait(false);
            if (generation.IncludeUsage)
                await events.SendAsync(new ChatChunkBody(id, "chat.completion.chunk", ResponseIds.Now, state.Model.Id, [])
                {
                    Usage = new UsageBody(result.PromptTokens, result.CompletionTokens, result.PromptTokens + result.CompletionTokens),
                }, cancel).ConfigureAwait(false);
            await events.DoneAsync(cancel).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
