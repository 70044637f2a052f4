using Crayon.Llama;
using Crayon.Server.Http;

namespace Crayon.Server.Completions;

/// <summary>Turns the llama host's refusals of a prompt (too long for the context, empty) into 400s naming the field.</summary>
public static class Guard
{
    public static T Prompt<T>(Func<T> work, string field)
    {
        try { return work(); }
        catch (PromptTooLongException e) { throw ApiException.BadField(field, $"does not fit: {e.Message}", "context_length_exceeded"); }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException) { throw ApiException.BadField(field, $"cannot be used: {e.Message}"); }
    }

    /// <summary>Checks before an answer starts streaming that the prompt leaves room for at least one token.</summary>
    public static void Fits(LlamaContext context, string prompt, string field, bool parseSpecial = false)
    {
        var tokens = Prompt(() => context.Model.Tokenizer.Tokenize(prompt, addSpecial: true, parseSpecial).Length, field);
        if (tokens >= context.ContextLength) throw ApiException.BadField(field, $"does not fit: {new PromptTooLongException(tokens, context.ContextLength).Message}", "context_length_exceeded");
    }

    public static async Task<T> PromptAsync<T>(Func<Task<T>> work, string field = "prompt")
    {
        try { return await work().ConfigureAwait(false); }
        catch (PromptTooLongException e) { throw ApiException.BadField(field, $"does not fit: {e.Message}", "context_length_exceeded"); }
        catch (ArgumentException e) when (e is not ArgumentOutOfRangeException) { throw ApiException.BadField(field, $"cannot be used: {e.Message}"); }
    }
}
