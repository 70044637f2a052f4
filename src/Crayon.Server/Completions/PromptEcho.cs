using System.Text;
using Crayon.Llama;

namespace Crayon.Server.Completions;

/// <summary>The prompt as an echoed answer shows it: its text and its tokens, each with its log-probability.</summary>
public sealed record EchoedPrompt(string Text, IReadOnlyList<LoggedToken> Tokens, int PromptTokens);

/// <summary>
/// "echo" with "logprobs": every prompt token with how likely the model found it after the ones before,
/// the standard way to score answer choices through an OpenAI completions endpoint (max_tokens 0).
/// BOS is not part of the text and is left out; a model without BOS has no log-probability for its
/// first token (null). The text is rebuilt from the tokens, so offsets and text always agree; a
/// SentencePiece dummy-prefix space that the prompt did not have is dropped.
/// </summary>
public static class PromptEcho
{
    public static EchoedPrompt Score(LlamaContext context, string prompt, int top)
    {
        var tokenizer = context.Model.Tokenizer;
        var scored = context.ScoreTokens(prompt, top);
        var first = scored.Tokens.Length > 0 && tokenizer.AddsBos && scored.Tokens[0] == tokenizer.Bos ? 1 : 0;
        var stream = new TokenTextStream(tokenizer);
        var text = new StringBuilder();
        var tokens = new List<LoggedToken>(scored.Tokens.Length - first);
        for (var i = first; i < scored.Tokens.Length; i++)
        {
            var piece = stream.Append(scored.Tokens[i]);
            if (text.Length == 0 && piece.StartsWith(' ') && !prompt.StartsWith(' ')) piece = piece[1..];
            tokens.Add(LogProbabilityList.Token(tokenizer, scored.Tokens[i], text.Length, scored.LogProbabilities[i]));
            text.Append(piece);
        }
        text.Append(stream.Flush());
        return new EchoedPrompt(text.ToString(), tokens, scored.Tokens.Length);
    }
}
