using System.Text;

namespace Crayon.Llama;

/// <summary>
/// Turns generated tokens into text as they come. A token may end inside a UTF-8 character (byte
/// tokens, emoji), so bytes go through a stateful decoder and only whole characters come out.
/// </summary>
public sealed class TokenTextStream(LlamaTokenizer tokenizer)
{
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private byte[] _bytes = new byte[256];
    private char[] _chars = new char[512];

    public string Append(int token)
    {
        var length = tokenizer.TokenToBytes(token, _bytes);
        if (length < 0) // the piece is longer than the buffer: llama.cpp says how long
        {
            _bytes = new byte[-length];
            _chars = new char[-length * 2 + 8];
            length = tokenizer.TokenToBytes(token, _bytes);
        }
        if (length <= 0) return "";
        var count = _decoder.GetChars(_bytes, 0, length, _chars, 0, flush: false);
        return new string(_chars, 0, count);
    }

    /// <summary>What is left of an unfinished character at the end of generation.</summary>
    public string Flush()
    {
        var count = _decoder.GetChars([], 0, 0, _chars, 0, flush: true);
        return new string(_chars, 0, count);
    }
}
