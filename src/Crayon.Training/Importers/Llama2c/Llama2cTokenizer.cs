using System.Buffers.Binary;
using System.Text;
using Crayon.Formats;
using Crayon.Models;

namespace Crayon.Importers.Llama2c;

/// <summary>
/// A llama2.c tokenizer file (tokenizer.bin / tok512.bin): int32 max_token_length, then per token
/// float32 score, int32 length and the piece's bytes. The file does not store the vocabulary size; it comes
/// from the model header. <see cref="Encode(string,bool,bool)"/> and <see cref="Decode"/> reproduce run.c's
/// encode() and decode() exactly, as the reference that llama.cpp's tokenization of the imported model must match.
/// </summary>
public sealed class Llama2cTokenizer
{
    public const int UnknownId = 0, BosId = 1, EosId = 2;
    private const int MaxVocab = 1 << 22, MaxTokenLengthLimit = 1 << 16;

    private readonly byte[][] _pieces;
    private readonly float[] _scores;
    private readonly Dictionary<string, int> _lookup; // Latin-1 keys: one char per byte, so lookups are byte-exact

    private Llama2cTokenizer(int maxTokenLength, byte[][] pieces, float[] scores)
    {
        MaxTokenLength = maxTokenLength;
        _pieces = pieces;
        _scores = scores;
        _lookup = new Dictionary<string, int>(pieces.Length, StringComparer.Ordinal);
        for (var i = 0; i < pieces.Length; i++) _lookup.TryAdd(Encoding.Latin1.GetString(pieces[i]), i);
    }

    public int MaxTokenLength { get; }
    public int Count => _pieces.Length;
    public IReadOnlyList<byte[]> Pieces => _pieces;
    public IReadOnlyList<float> Scores => _scores;

    public static Llama2cTokenizer Read(string path, int vocabSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"llama2.c tokenizer '{path}' does not exist", path);
        if (vocabSize is < 1 or > MaxVocab) throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, $"vocabulary size must be in [1, {MaxVocab}]");
        var length = new FileInfo(path).Length;
        var minimum = 4L + 8L * vocabSize;
        if (length < minimum)
            throw new FileFormatException(path, "tokens", $"the file is {length} bytes; {vocabSize} tokens need at least {minimum} (is the tokenizer for this model?)");
        if (length > minimum + (long)vocabSize * MaxTokenLengthLimit)
            throw new FileFormatException(path, "tokens", $"the file is {length} bytes, more than {vocabSize} tokens can occupy");
        return Parse(File.ReadAllBytes(path), path, vocabSize);
    }

    private static Llama2cTokenizer Parse(byte[] bytes, string path, int vocabSize)
    {
        var maxLength = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        if (maxLength is < 1 or > MaxTokenLengthLimit)
            throw new FileFormatException(path, "max_token_length", $"is {maxLength}; expected a value in [1, {MaxTokenLengthLimit}]", 0);
        var pieces = new byte[vocabSize][];
        var scores = new float[vocabSize];
        var at = 4;
        for (var i = 0; i < vocabSize; i++)
        {
            if (bytes.Length - at < 8)
                throw new FileFormatException(path, $"token {i}", $"the file ends after {i} of {vocabSize} tokens (is the tokenizer for this model?)", at);
            scores[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(at));
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at + 4));
            if (length < 0 || length > maxLength)
                throw new FileFormatException(path, $"token {i} length", $"is {length}; expected a value in [0, max_token_length {maxLength}]", at + 4);
            if (length > bytes.Length - at - 8)
                throw new FileFormatException(path, $"token {i}", $"its {length} bytes run past the end of the file", at + 8);
            pieces[i] = bytes.AsSpan(at + 8, length).ToArray();
            at += 8 + length;
        }
        if (at != bytes.Length)
            throw new FileFormatException(path, "tokens", $"{bytes.Length - at} bytes follow the {vocabSize} tokens the model expects (a tokenizer for a larger vocabulary?)", at);
        return new Llama2cTokenizer(maxLength, pieces, scores);
    }

    /// <summary>run.c's encode(): optional BOS, a dummy " " prefix, UTF-8 code points (byte fallback +3), then greedy merges by score.</summary>
    public int[] Encode(string text, bool bos = true, bool eos = false) => Encode(Encoding.UTF8.GetBytes(text), bos, eos);

    public int[] Encode(ReadOnlySpan<byte> text, bool bos = true, bool eos = false)
    {
        var nul = text.IndexOf((byte)0);
        if (nul >= 0) text = text[..nul]; // run.c reads a C string
        var tokens = new List<int>(text.Length + 3);
        if (bos) tokens.Add(BosId);
        if (text.Length > 0)
            tokens.Add(Lookup(" "u8) is var space and >= 0 ? space : throw new InvalidOperationException("the vocabulary has no \" \" piece for run.c's dummy prefix"));

        Span<byte> codePoint = stackalloc byte[4];
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if ((text[i] & 0xC0) != 0x80) length = 0; // a new code point starts
            codePoint[length++] = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : (byte)0;
            if ((next & 0xC0) == 0x80 && length < 4) continue;
            var id = Lookup(codePoint[..length]);
            if (id >= 0) tokens.Add(id);
            else foreach (var b in codePoint[..length]) tokens.Add(b + 3); // byte fallback: <0x00> is id 3
            length = 0;
        }

        while (true)
        {
            float bestScore = -1e10f;
            int bestId = -1, bestIndex = -1;
            for (var i = 0; i < tokens.Count - 1; i++)
            {
                var id = Lookup([.. _pieces[tokens[i]], .. _pieces[tokens[i + 1]]]);
                if (id != -1 && _scores[id] > bestScore) (bestScore, bestId, bestIndex) = (_scores[id], id, i);
            }
            if (bestIndex == -1) break;
            tokens[bestIndex] = bestId;
            tokens.RemoveAt(bestIndex + 1);
        }
        if (eos) tokens.Add(EosId);
        return tokens.ToArray();
    }

    /// <summary>run.c's decode(): the piece's bytes, without its leading space right after BOS, and "&lt;0xXX&gt;" as the raw byte.</summary>
    public byte[] Decode(int previous, int token)
    {
        if ((uint)token >= (uint)_pieces.Length) throw new ArgumentOutOfRangeException(nameof(token), token, $"not a token id of this {_pieces.Length}-token vocabulary");
        ReadOnlySpan<byte> piece = _pieces[token];
        if (previous == BosId && piece.Length > 0 && piece[0] == (byte)' ') piece = piece[1..];
        return ParseByteToken(piece) is { } raw ? [raw] : piece.ToArray();
    }

    /// <summary>The text run.c prints for a token sequence (the first token is taken as the previous of the second).</summary>
    public string DecodeAll(IReadOnlyList<int> tokens)
    {
        var bytes = new List<byte>();
        for (var i = 1; i < tokens.Count; i++) bytes.AddRange(Decode(tokens[i - 1], tokens[i]));
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    /// <summary>sscanf(piece, "&lt;0x%02hhX&gt;"): "&lt;0x" followed by one or two hex digits.</summary>
    private static byte? ParseByteToken(ReadOnlySpan<byte> piece)
    {
        if (!piece.StartsWith("<0x"u8)) return null;
        var digits = 0;
        var value = 0;
        for (var i = 3; i < piece.Length && digits < 2; i++, digits++)
        {
            var d = HexDigit(piece[i]);
            if (d < 0) break;
            value = value * 16 + d;
        }
        return digits > 0 ? (byte)value : null;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private int Lookup(ReadOnlySpan<byte> piece) => _lookup.TryGetValue(Encoding.Latin1.GetString(piece), out var id) ? id : -1;

    /// <summary>
    /// The vocabulary as llama.cpp's SentencePiece tokenizer wants it (as convert-llama2c-to-ggml does):
    /// ids 0/1/2 become &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;; "&lt;0xXX&gt;" pieces are byte tokens; every space becomes ▁.
    /// add_space_prefix stays on: it is llama.cpp's equivalent of run.c's dummy " " prefix.
    /// </summary>
    public LlamaVocabulary ToLlamaVocabulary()
    {
        if (Count <= EosId) throw new InvalidOperationException($"a {Count}-token vocabulary has no room for <unk>, <s> and </s>");
        var tokens = new byte[Count][];
        var types = new LlamaTokenType[Count];
        var marker = Encoding.UTF8.GetBytes(LlamaVocabulary.SpaceMarker);
        for (var i = 0; i < Count; i++)
        {
            (tokens[i], types[i]) = i switch
            {
                UnknownId => ("<unk>"u8.ToArray(), LlamaTokenType.Unknown),
                BosId => ("<s>"u8.ToArray(), LlamaTokenType.Control),
                EosId => ("</s>"u8.ToArray(), LlamaTokenType.Control),
                _ when _pieces[i].Length == 0 => ([], LlamaTokenType.Control),
                _ when IsExactByteToken(_pieces[i]) => (_pieces[i], LlamaTokenType.Byte),
                _ => (ReplaceSpaces(_pieces[i], marker), LlamaTokenType.Normal),
            };
        }
        return new LlamaVocabulary(tokens, _scores, types, BosId, EosId, UnknownId, addSpacePrefix: true);
    }

    /// <summary>Maps a GGUF token text back to the llama2.c piece (▁ → space), the inverse of the import.</summary>
    public static byte[] PieceFromGgufToken(ReadOnlySpan<byte> token) =>
        Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(token).Replace(LlamaVocabulary.SpaceMarker, " ", StringComparison.Ordinal));

    private static bool IsExactByteToken(byte[] piece) =>
        piece.Length == 6 && piece.AsSpan().StartsWith("<0x"u8) && piece[5] == (byte)'>' && IsUpperHex(piece[3]) && IsUpperHex(piece[4]);

    private static bool IsUpperHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F';

    private static byte[] ReplaceSpaces(byte[] piece, byte[] marker)
    {
        var result = new List<byte>(piece.Length + 4);
        foreach (var b in piece)
            if (b == (byte)' ') result.AddRange(marker);
            else result.Add(b);
        return result.ToArray();
    }
}
