using Crayon.Llama;
using System.Text.Json;

namespace Crayon.Hybrid.Endpoint;

/// <summary>
/// Reads answer-choice log-likelihoods from a completions answer with "echo" and "logprobs": each
/// choice's text must start with the prompt+continuation that was sent, and the continuation's
/// log-likelihood is the sum over the tokens that reach into it (a token that straddles the
/// boundary counts, as when the prompt and continuation are tokenized together). Tokens past the
/// sent text (a server that generated anyway) are ignored.
/// </summary>
internal static class EchoScores
{
    public static ChoiceLogLikelihood[] Parse(JsonElement root, IReadOnlyList<ChoicePrompt> sent)
    {
        var choices = JsonAnswer.Choices(root, sent.Count);
        var result = new ChoiceLogLikelihood[sent.Count];
        for (var i = 0; i < sent.Count; i++)
            result[i] = One(choices[i], sent[i], $"answer.choices[{i}]");
        return result;
    }

    private static ChoiceLogLikelihood One(JsonElement choice, ChoicePrompt sent, string path)
    {
        var text = JsonAnswer.String(choice, "text", path);
        var full = sent.Text;
        if (!text.StartsWith(full, StringComparison.Ordinal))
            throw new GarbageAnswerException($"{path}.text does not echo the prompt that was sent (is echo supported?)");
        var logprobs = JsonAnswer.Property(choice, "logprobs", path);
        if (logprobs.ValueKind != JsonValueKind.Object) throw new GarbageAnswerException($"{path}.logprobs is missing (are logprobs supported?)");
        var lp = JsonAnswer.Array(logprobs, "token_logprobs", path + ".logprobs").EnumerateArray().ToArray();
        var offsets = JsonAnswer.Array(logprobs, "text_offset", path + ".logprobs").EnumerateArray()
            .Select((o, j) => JsonAnswer.Int(o, $"{path}.logprobs.text_offset[{j}]")).ToArray();
        if (lp.Length != offsets.Length || lp.Length == 0)
            throw new GarbageAnswerException($"{path}.logprobs has {lp.Length} log-probabilities for {offsets.Length} offsets");

        double sum = 0;
        var tokens = 0;
        for (var j = 0; j < offsets.Length; j++)
        {
            var start = offsets[j];
            var end = j + 1 < offsets.Length ? offsets[j + 1] : text.Length;
            if (start < 0 || end < start || end > text.Length)
                throw new GarbageAnswerException($"{path}.logprobs.text_offset[{j}] = {start} is out of order or outside the text");
            if (start >= full.Length) break;
            if (end <= sent.Prompt.Length) continue;
            var value = JsonAnswer.NullableNumber(lp[j], $"{path}.logprobs.token_logprobs[{j}]")
                ?? throw new GarbageAnswerException($"{path}.logprobs.token_logprobs[{j}] is null inside the scored answer");
            if (value > 1e-6) throw new GarbageAnswerException($"{path}.logprobs.token_logprobs[{j}] = {value} is positive, not a log-probability");
            sum += Math.Min(value, 0);
            tokens++;
        }
        if (tokens == 0) throw new GarbageAnswerException($"{path}: no token of the answer choice was scored");
        return new ChoiceLogLikelihood(sum, tokens, sent.Continuation.Length);
    }
}
