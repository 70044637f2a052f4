namespace Crayon.Llama;

/// <summary>
/// What the host scores for one choice: log P(<see cref="Continuation"/> | <see cref="Prompt"/>),
/// summed over the continuation's tokens. <see cref="Text"/> is the full string the model reads.
/// </summary>
public sealed record ChoicePrompt(string Prompt, string Continuation)
{
    /// <summary>Prompt and continuation as the model reads them.</summary>
    public string Text => Prompt + Continuation;
}
