using System.Text;
using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>The model's tokenizer (llama.cpp's tokenization is thread-safe).</summary>
public sealed class LlamaTokenizer
{
    private readonly LlamaModel _model;
    private readonly IntPtr _vocab; // llama_vocab, owned by the model

    internal LlamaTokenizer(LlamaModel model)
    {
        _model = model;
        _vocab = LlamaApi.llama_model_get_vocab(model.Handle);
        Kind = _vocab == IntPtr.Zero ? 0 : LlamaApi.llama_vocab_type(_vocab);
        Count = Kind == 0 ? 0 : LlamaApi.llama_vocab_n_tokens(_vocab);
        if (Count > 0)
        {
            Bos = LlamaApi.llama_vocab_bos(_vocab);
            Eos = LlamaApi.llama_vocab_eos(_vocab);
            AddsBos = LlamaApi.llama_vocab_get_add_bos(_vocab);
        }
    }

    /// <summary>llama_vocab_type: 0 none, 1 SentencePiece, 2 BPE, 3 WordPiece, 4 Unigram, ...</summary>
    public int Kind { get; }

    public int Count { get; }
    public int Bos { get; } = -1;
    public int Eos { get; } = -1;

    /// <summary>Whether the model's tokenizer puts BOS in front of a prompt.</summary>
    public bool AddsBos { get; }

    public bool IsEndOfGeneration(int token) => LlamaApi.llama_vocab_is_eog(_vocab, token);

    /// <summary>Tokens of <paramref name="text"/>; with <paramref name="addSpecial"/>, BOS/EOS as the model asks.</summary>
    public unsafe int[] Tokenize(string text, bool addSpecial = true, bool parseSpecial = false)
    {
        RequireTokenizer();
        var utf8 = Encoding.UTF8.GetBytes(text);
        var capacity = utf8.Length + 8;
        while (true)
        {
            var tokens = new int[capacity];
            int count;
            fixed (byte* t = utf8)
            fixed (int* p = tokens)
                count = LlamaApi.llama_tokenize(_vocab, t, utf8.Length, p, capacity, addSpecial, parseSpecial);
            GC.KeepAlive(_model);
            if (count == int.MinValue) throw new ArgumentException($"text of {utf8.Length} bytes has too many tokens for llama.cpp (over 2^31)");
            if (count >= 0) return tokens.AsSpan(0, count).ToArray();
            capacity = -count;
        }
    }

    /// <summary>The bytes of one token's text (a piece may be part of a UTF-8 character).</summary>
    public unsafe int TokenToBytes(int token, Span<byte> destination)
    {
        RequireTokenizer();
        fixed (byte* p = destination)
        {
            var length = LlamaApi.llama_token_to_piece(_vocab, token, p, destination.Length, 0, special: false);
            GC.KeepAlive(_model);
            return length;
        }
    }

    /// <summary>Text of <paramref name="tokens"/> (special tokens such as BOS are left out).</summary>
    public unsafe string Detokenize(ReadOnlySpan<int> tokens)
    {
        RequireTokenizer();
        var capacity = tokens.Length * 8 + 16;
        while (true)
        {
            var buffer = new byte[capacity];
            int length;
            fixed (int* t = tokens)
            fixed (byte* p = buffer)
                length = LlamaApi.llama_detokenize(_vocab, t, tokens.Length, p, capacity, removeSpecial: false, unparseSpecial: false);
            GC.KeepAlive(_model);
            if (length >= 0) return Encoding.UTF8.GetString(buffer, 0, length);
            capacity = -length;
        }
    }

    private void RequireTokenizer()
    {
        if (Count == 0)
            throw new NotSupportedException($"model '{_model.Name}' has no tokenizer (tokenizer.ggml.model is missing or 'none'); text cannot be tokenized");
    }
}
