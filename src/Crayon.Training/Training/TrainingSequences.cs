using Crayon.Llama;

namespace Crayon.Training;

/// <summary>
/// Training texts as token sequences "BOS text EOS", each at most one window stream long (window + 1
/// tokens: the window's inputs plus the label of its last position). A longer text keeps its end,
/// where a QA example's answer is, and loses tokens after BOS; <see cref="Truncated"/> counts those.
/// </summary>
internal sealed class TrainingSequences
{
    private TrainingSequences(int[][] sequences, int truncated, int pad)
    {
        Sequences = sequences;
        Truncated = truncated;
        Pad = pad;
    }

    public IReadOnlyList<int[]> Sequences { get; }

    /// <summary>Texts cut to fit the window.</summary>
    public int Truncated { get; }

    /// <summary>The token that fills unused window positions (EOS).</summary>
    public int Pad { get; }

    public long TokenCount => Sequences.Sum(s => (long)s.Length);

    public static TrainingSequences Tokenize(LlamaTokenizer tokenizer, IReadOnlyList<string> texts, int windowLength)
    {
        if (tokenizer.Eos < 0) throw new InvalidDataException("the model's vocabulary has no EOS token, which training uses to end texts and fill windows");
        var streamLength = windowLength + 1;
        var sequences = new int[texts.Count][];
        var truncated = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var text = texts[i] ?? throw new ArgumentException($"training text {i} is null");
            if (string.IsNullOrWhiteSpace(text)) throw new ArgumentException($"training text {i} is empty");
            var body = tokenizer.Tokenize(text, addSpecial: false);
            var room = streamLength - 1 - (tokenizer.Bos >= 0 ? 1 : 0);
            if (body.Length > room)
            {
                body = body[^room..];
                truncated++;
            }
            sequences[i] = tokenizer.Bos >= 0 ? [tokenizer.Bos, .. body, tokenizer.Eos] : [.. body, tokenizer.Eos];
        }
        return new TrainingSequences(sequences, truncated, tokenizer.Eos);
    }
}
