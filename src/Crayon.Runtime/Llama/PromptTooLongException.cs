namespace Crayon.Llama;

/// <summary>The input does not fit the context; names both lengths and the setting to change.</summary>
public sealed class PromptTooLongException(int tokens, int contextLength, string what = "prompt")
    : ArgumentException($"{what} is {tokens} tokens but the context holds {contextLength}; shorten it or raise the context length (--ctx)")
{
    public int Tokens { get; } = tokens;
    public int ContextLength { get; } = contextLength;
}
