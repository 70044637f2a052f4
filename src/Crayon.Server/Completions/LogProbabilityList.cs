using Crayon.Llama;

namespace Crayon.Server.Completions;

/// <summary>Turns llama-host token probabilities into <see cref="LoggedToken"/>s.</summary>
public static class LogProbabilityList
{
    public static LoggedToken Token(LlamaTokenizer tokenizer, int token, int offset, TokenLogProbability? probability)
    {
        var bytes = TokenPieces.Bytes(tokenizer, token);
        var top = probability?.Top.Select(a =>
        {
            var b = TokenPieces.Bytes(tokenizer, a.Token);
            return new LoggedAlternative(TokenPieces.Display(b), b, a.LogProbability);
        }).ToArray() ?? [];
        return new LoggedToken(TokenPieces.Display(bytes), bytes, offset, probability?.LogProbability, top);
    }
}
