using System.Text;
using Crayon.Importers.Llama2c;
using NUnit.Framework;
using static Crayon.Tests.Importers.Llama2c.Stories260K;

namespace Crayon.Tests.Importers.Llama2c;

public class Llama2cTokenizerTests
{
    private static Llama2cTokenizer Tok => Llama2cTokenizer.Read(Tokenizer, Vocab);

    private static string[] Pieces(int[] ids) => ids.Select(i => Encoding.UTF8.GetString(Tok.Pieces[i])).ToArray();

    [Test]
    public void ReadsTheFileTheDataReadmeDescribes()
    {
        var t = Tok;
        Assert.That(t.MaxTokenLength, Is.EqualTo(7));
        Assert.That(Encoding.UTF8.GetString(t.Pieces[1]), Is.EqualTo("\n<s>\n"));
        Assert.That(Encoding.UTF8.GetString(t.Pieces[2]), Is.EqualTo("\n</s>\n"));
        Assert.That(Encoding.UTF8.GetString(t.Pieces[3]), Is.EqualTo("<0x00>"));
        Assert.That(Encoding.UTF8.GetString(t.Pieces[259]), Is.EqualTo(" t"));
        Assert.That(t.Scores[511], Is.EqualTo(-252f));
    }

    // Token ids of run.c's encode(tokenizer, prompt, bos=1, eos=0), checked against a second, independent
    // implementation of the same algorithm and by the pieces they stand for.
    [TestCase("Once upon a time", new[] { 1, 403, 407, 261, 378 }, new[] { "\n<s>\n", " Once", " upon", " a", " time" })]
    [TestCase("Lily and Tom played in the park.", new[] { 1, 317, 269, 274, 287, 337, 266, 322, 265, 282, 295, 433, 426 },
        new[] { "\n<s>\n", " Lily", " and", " T", "om", " play", "ed", " in", " the", " p", "ar", "k", "." })]
    public void EncodeMatchesRunC(string prompt, int[] ids, string[] pieces)
    {
        var encoded = Tok.Encode(prompt);
        Assert.That(encoded, Is.EqualTo(ids));
        Assert.That(Pieces(encoded), Is.EqualTo(pieces));
    }

    [Test]
    public void CharactersMissingFromTheVocabularyFallBackToByteTokens()
    {
        // 'é' is a piece of this vocabulary, 'ö' is not: its two UTF-8 bytes become <0xC3> <0xB6> (byte + 3).
        var ids = Tok.Encode("Héllo wörld! 123");
        Assert.That(ids, Is.EqualTo(new[] { 1, 320, 485, 306, 414, 263, 0xC3 + 3, 0xB6 + 3, 420, 341, 443, 410, 475, 479, 472 }));
        Assert.That(Tok.Encode(""), Is.EqualTo(new[] { 1 }), "no dummy prefix for empty text");
        Assert.That(Tok.Encode("a", bos: false, eos: true), Is.EqualTo(new[] { 261, 2 }), "\" \" + \"a\" merge into \" a\", then EOS");
    }

    [TestCase("Once upon a time")]
    [TestCase("Héllo wörld! 123")]
    [TestCase("She said, \"Let's go!\"\nThe end.")]
    [TestCase("日本語 and emoji 🙂")]
    public void DecodeInvertsEncodeLikeRunCPrintsIt(string text) =>
        Assert.That(Tok.DecodeAll(Tok.Encode(text)), Is.EqualTo(text), "after BOS run.c drops the dummy prefix's space");

    [Test]
    public void ATokenizerForAnotherVocabularySizeIsRejected()
    {
        Assert.That(() => Llama2cTokenizer.Read(Tokenizer, 500), Throws.InstanceOf<Crayon.Formats.FileFormatException>()
            .With.Message.Contains("bytes follow the 500 tokens"));
        Assert.That(() => Llama2cTokenizer.Read(Tokenizer, 600), Throws.InstanceOf<Crayon.Formats.FileFormatException>()
            .With.Message.Contains("tok512.bin").And.Message.Contains("600"));
    }
}
