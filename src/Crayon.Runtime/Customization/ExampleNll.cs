using Crayon.Llama;

namespace Crayon.Customization;

/// <summary>How well the context's model predicts one example: the NLL of its response after its prompt, or of the whole text when it has none.</summary>
internal static class ExampleNll
{
    /// <summary>The NLL in nats; null when the example does not fit the context (it is then left out for every candidate alike).</summary>
    public static double? Of(LlamaContext context, Example example)
    {
        try
        {
            if (example.Response is { Length: > 0 } response) return -context.ScoreContinuation(example.Prompt, response).LogLikelihood;
            return -context.ScoreTokens(example.Prompt).LogProbabilities.Sum(p => p?.LogProbability ?? 0);
        }
        catch (PromptTooLongException)
        {
            return null;
        }
    }
}
