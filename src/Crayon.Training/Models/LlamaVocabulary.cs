using System.Text;
using Crayon.Formats.Gguf;

namespace Crayon.Models;

/// <summary>llama.cpp's token attributes as GGUF stores them in tokenizer.ggml.token_type.</summary>
public enum LlamaTokenType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}

/// <summary>
/// A SentencePiece ("llama") vocabulary as GGUF carries it: token texts with U+2581 (▁) for spaces and
/// "&lt;0xXX&gt;" byte tokens, scores, token types, and the special ids. Token texts are kept as bytes.
/// </summary>
public sealed class LlamaVocabulary
{
    public const string SpaceMarker = "\u2581";

    public LlamaVocabulary(IReadOnlyList<byte[]> tokens, IReadOnlyList<float> scores, IReadOnlyList<LlamaTokenType> types,
        int bosId = 1, int eosId = 2, int unknownId = 0, bool addSpacePrefix = true)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (tokens.Count == 0) throw new ArgumentException("a vocabulary needs tokens", nameof(tokens));
        if (scores.Count != tokens.Count || types.Count != tokens.Count)
            throw new ArgumentException($"{tokens.Count} tokens but {scores.Count} scores and {types.Count} token types");
        foreach (var (name, id) in new[] { ("BOS", bosId), ("EOS", eosId), ("UNK", unknownId) })
            if ((uint)id >= (uint)tokens.Count) throw new ArgumentOutOfRangeException(name, id, $"{name} id is outside the {tokens.Count}-token vocabulary");
        Tokens = tokens;
        Scores = scores;
        Types = types;
        BosId = bosId;
        EosId = eosId;
        UnknownId = unknownId;
        AddSpacePrefix = addSpacePrefix;
    }

    public IReadOnlyList<byte[]> Tokens { get; }
    public IReadOnlyList<float> Scores { get; }
    public IReadOnlyList<LlamaTokenType> Types { get; }
    public int BosId { get; }
    public int EosId { get; }
    public int UnknownId { get; }

    /// <summary>Whether llama.cpp prepends a space (▁) to the text before tokenizing, as SentencePiece does.</summary>
    public bool AddSpacePrefix { get; }

    public int Count => Tokens.Count;

    public void WriteTo(GgufMetadata m)
    {
        m.Set(GgufKeys.TokenizerModel, GgufValue.Str("llama"));
        m.Set(GgufKeys.Tokens, GgufValue.OfArray(GgufValueType.String, Tokens.ToArray()));
        m.Set(GgufKeys.Scores, GgufValue.Array(Scores.ToArray()));
        m.Set(GgufKeys.TokenType, GgufValue.Array(Types.Select(t => (int)t).ToArray()));
        m.Set(GgufKeys.BosTokenId, GgufValue.U32((uint)BosId));
        m.Set(GgufKeys.EosTokenId, GgufValue.U32((uint)EosId));
        m.Set(GgufKeys.UnknownTokenId, GgufValue.U32((uint)UnknownId));
        m.Set(GgufKeys.AddBosToken, GgufValue.Bool(true));
        m.Set(GgufKeys.AddEosToken, GgufValue.Bool(false));
        m.Set(GgufKeys.AddSpacePrefix, GgufValue.Bool(AddSpacePrefix));
    }

    /// <summary>The byte token text llama.cpp looks up for byte fallback ("&lt;0x0A&gt;", upper-case hex).</summary>
    public static string ByteTokenText(byte b) => $"<0x{b:X2}>";

    /// <summary>
    /// A small valid SentencePiece vocabulary of any size ≥ 259 for models with random weights:
    /// &lt;unk&gt;, &lt;s&gt;, &lt;/s&gt;, the 256 byte tokens, then printable ASCII characters, "▁" and
    /// "▁"+character, then ever longer lower-case letter strings (with and without ▁), all distinct.
    /// Every piece longer than one character is the concatenation of two shorter pieces, so SentencePiece
    /// merging can reach it.
    /// </summary>
    public static LlamaVocabulary Synthetic(int size)
    {
        const int reserved = 3 + 256;
        if (size < reserved)
            throw new ArgumentOutOfRangeException(nameof(size), size, $"a SentencePiece vocabulary with byte fallback needs at least {reserved} tokens");
        var texts = new List<string>(size) { "<unk>", "<s>", "</s>" };
        var types = new List<LlamaTokenType>(size) { LlamaTokenType.Unknown, LlamaTokenType.Control, LlamaTokenType.Control };
        for (var b = 0; b < 256; b++) { texts.Add(ByteTokenText((byte)b)); types.Add(LlamaTokenType.Byte); }
        foreach (var piece in SyntheticPieces().Take(size - reserved)) { texts.Add(piece); types.Add(LlamaTokenType.Normal); }
        var scores = texts.Select((_, i) => i < reserved ? 0f : -(float)(i - reserved)).ToArray();
        return new LlamaVocabulary(texts.Select(Encoding.UTF8.GetBytes).ToArray(), scores, types);
    }

    private static IEnumerable<string> SyntheticPieces()
    {
        for (var c = '!'; c <= '~'; c++) yield return c.ToString();
        yield return SpaceMarker;
        for (var c = '!'; c <= '~'; c++) yield return SpaceMarker + c;
        for (var length = 2; ; length++)
            foreach (var word in Words(length))
            {
                yield return word;
                yield return SpaceMarker + word;
            }
    }

    private static IEnumerable<string> Words(int length)
    {
        var letters = new char[length];
        var index = new int[length];
        while (true)
        {
            for (var i = 0; i < length; i++) letters[i] = (char)('a' + index[i]);
            yield return new string(letters);
            var pos = length - 1;
            while (pos >= 0 && ++index[pos] == 26) index[pos--] = 0;
            if (pos < 0) yield break;
        }
    }
}
