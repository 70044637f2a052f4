using Crayon.Llama;
using Crayon.Server.Hosting;
using Crayon.Server.Http;
using Crayon.Server.Protocol;
using Microsoft.AspNetCore.Http;

namespace Crayon.Server.Completions;

/// <summary>POST /v1/chat/completions: the conversation rendered by <see cref="ChatPrompt"/>, answered like a completion.</summary>
public static class ChatEndpoint
{
    public static async Task HandleAsync(HttpContext http, ServerState state)
    {
        var request = await JsonBody.ReadAsync(http, state.Options.MaxBodyBytes, body => ChatRequest.Parse(body, state.Model.Id, state.Model.ContextLength)).ConfigureAwait(false);
        var prompt = ChatPrompt.Render(request.Messages);
        var id = ResponseIds.Next("chatcmpl");
        await state.RunOnContextAsync(http, (context, cancel) => request.Generation.Stream
            ? StreamAsync(http, state, context, prompt, request, id, cancel)
            : AnswerAsync(http, state, context, prompt, request, id, cancel)).ConfigureAwait(false);
    }

    private static async Task AnswerAsync(HttpContext http, ServerState state, LlamaContext context, string prompt, ChatRequest request, string id, CancellationToken cancel)
    {
        var result = await Guard.PromptAsync(() => CompletionRunner.RunAsync(context, prompt, request.Generation, 0, null, cancel), "messages").ConfigureAwait(false);
        var logprobs = request.Generation.LogProbabilities is null ? null : LogProbsFormat.Chat(result.Tokens);
        await Responses.JsonAsync(http, new ChatBody(id, "chat.completion", ResponseIds.Now, state.Model.Id,
            [new ChatChoiceBody(0, new ChatMessageBody("assistant", result.Text), logprobs, result.FinishReason)],
            new UsageBody(result.PromptTokens, result.CompletionTokens, result.PromptTokens + result.CompletionTokens))).ConfigureAwait(false);
    }

    private static async Task StreamAsync(HttpContext http, ServerState state, LlamaContext context, string prompt, ChatRequest request, string id, CancellationToken cancel)
    {
        var events = new ServerSentEvents(http);
        ChatChunkBody Chunk(ChatMessageBody delta, IReadOnlyList<LoggedToken> tokens, string? finish) => new(id, "chat.completion.chunk", ResponseIds.Now, state.Model.Id,
            [new ChatChunkChoiceBody(0, delta, request.Generation.LogProbabilities is null || tokens.Count == 0 ? null : LogProbsFormat.Chat(tokens), finish)]);
        Guard.Fits(context, prompt, "messages");
        await events.GuardAsync(async () =>
        {
            await events.SendAsync(Chunk(new ChatMessageBody("assistant", ""), [], null), cancel).ConfigureAwait(false);
            var result = await Guard.PromptAsync(() => CompletionRunner.RunAsync(context, prompt, request.Generation, 0,
                delta => events.SendAsync(Chunk(new ChatMessageBody(null, delta.Text), delta.Tokens, null), cancel), cancel), "messages").ConfigureAwait(false);
            await events.SendAsync(Chunk(new ChatMessageBody(null, null), [], result.FinishReason), cancel).ConfigureAwait(false);
            await events.DoneAsync(cancel).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }
}
