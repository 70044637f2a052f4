using Crayon.Importers.Llama2c;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Crayon.Tests.Importers.Llama2c;

/// <summary>FsCheck on the real tok512 vocabulary: run.c's decode inverts its encode for any text, and merging never creates unknown ids.</summary>
public class Llama2cEncodePropertyTests
{
    private static readonly string[] Graphemes = ["a", "e", "t", "h", "L", "O", " ", "  ", ".", ",", "!", "\n", "é", "ö", "日", "🙂", "'", "\""];

    [Test]
    public void DecodingAnEncodedTextGivesTheTextBack()
    {
        var tokenizer = Llama2cTokenizer.Read(Stories260K.Tokenizer, Stories260K.Vocab);
        var text = Gen.Choose(0, 24).SelectMany(n => Gen.ArrayOf(Gen.Elements(Graphemes), n)).Select(p => string.Concat(p));
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(text.ToArbitrary(), s =>
        {
            var ids = tokenizer.Encode(s);
            Assert.That(ids, Is.All.InRange(0, Stories260K.Vocab - 1));
            Assert.That(ids[0], Is.EqualTo(Llama2cTokenizer.BosId));
            Assert.That(tokenizer.DecodeAll(ids), Is.EqualTo(s));
        }));
    }
}
