using System.Runtime.CompilerServices;

namespace Crayon.Llama;

public sealed partial class LlamaContext
{
    /// <summary>Why the last <see cref="Generate"/> stopped.</summary>
    public FinishReason LastFinishReason { get; private set; }

    /// <summary>
    /// Generates a continuation of <paramref name="prompt"/> token by token, with the adapter set the
    /// context has now (fixed for the whole generation). The cache starts empty. Cancellation is
    /// checked before every token.
    /// </summary>
    public IEnumerable<GeneratedToken> Generate(string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new GenerationOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTokens);
        if (options.LogProbabilities is { } top) ArgumentOutOfRangeException.ThrowIfNegative(top, nameof(options.LogProbabilities));
        var tokens = Model.Tokenizer.Tokenize(prompt, options.AddSpecialTokens, options.ParseSpecialTokens);
        if (tokens.Length == 0) throw new ArgumentException("the prompt is empty and the model adds no BOS token; give some text");
        if (tokens.Length >= ContextLength) throw new PromptTooLongException(tokens.Length, ContextLength);
        return GenerateTokens(tokens, options, cancellationToken);
    }

    private IEnumerable<GeneratedToken> GenerateTokens(int[] prompt, GenerationOptions options, CancellationToken cancellationToken)
    {
        using var scope = Enter();
        using var sampler = new LlamaSampler(options.Sampling);
        var text = new TokenTextStream(Model.Tokenizer);
        ClearMemory();
        cancellationToken.ThrowIfCancellationRequested();
        DecodeTokens(prompt, i => i == prompt.Length - 1);
        LastFinishReason = FinishReason.MaxTokens;
        var next = new int[1];
        for (var produced = 0; produced < options.MaxTokens; produced++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var token = sampler.Sample(this);
            if (Model.Tokenizer.IsEndOfGeneration(token)) { LastFinishReason = FinishReason.EndOfGeneration; break; }
            var probability = options.LogProbabilities is { } top ? LogProbabilityOf(LogitsAt(-1), token, top) : null;
            yield return new GeneratedToken(token, text.Append(token)) { LogProbability = probability };
            if (produced + 1 == options.MaxTokens) break;
            if (Position >= ContextLength) { LastFinishReason = FinishReason.ContextFull; break; }
            next[0] = token;
            DecodeTokens(next, _ => true);
        }
        var rest = text.Flush();
        if (rest.Length > 0) yield return new GeneratedToken(-1, rest);
    }

    /// <summary>
    /// <see cref="Generate"/> as a stream of text pieces; decoding runs on a worker thread so the
    /// caller's thread is free between tokens.
    /// </summary>
    public async IAsyncEnumerable<string> GenerateTextAsync(string prompt, GenerationOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var tokens = Generate(prompt, options, cancellationToken).GetEnumerator();
        while (await Task.Run(tokens.MoveNext, cancellationToken).ConfigureAwait(false))
            if (tokens.Current.Text.Length > 0) yield return tokens.Current.Text;
    }

    /// <summary>The whole continuation as one string.</summary>
    public string GenerateText(string prompt, GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        string.Concat(Generate(prompt, options, cancellationToken).Select(t => t.Text));

    /// <summary>The logits after <paramref name="prompt"/> (a fresh cache): the next-token distribution, unnormalised.</summary>
    public float[] EvaluateLogits(string prompt, bool addSpecialTokens = true) =>
        EvaluateLogits(Model.Tokenizer.Tokenize(prompt, addSpecialTokens));

    /// <summary>The logits after <paramref name="tokens"/> (a fresh cache).</summary>
    public float[] EvaluateLogits(int[] tokens)
    {
        if (tokens.Length == 0) throw new ArgumentException("no tokens to evaluate");
        using var _ = Enter();
        ClearMemory();
        float[]? logits = null;
        DecodeTokens(tokens, i => i == tokens.Length - 1, (start, length) =>
        {
            if (start + length == tokens.Length) logits = LogitsAt(length - 1).ToArray();
        });
        return logits!;
    }
}
