using System.Text;
using Crayon.Customization;
using Crayon.Llama;
using Crayon.Pool;
using Crayon.Tests.Formats;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Crayon.Tests.Customization;

/// <summary>The customization-request file: exact round trip, a named error for every bad field, and no crash on mutated bytes.</summary>
public class ExampleEmbeddingsFileTests
{
    private static readonly PoolModel Model = new("stories260K", "llama", new string('a', 64));

    private static ExampleEmbeddings Sample() => new(Model, EmbeddingSignal.Query, [[0.25f, -1.5f, 3e-7f], [1, 2, float.Epsilon]]);

    private static string Json(ExampleEmbeddings e) => Encoding.UTF8.GetString(ExampleEmbeddingsFile.ToBytes(e));

    [Test]
    public void RoundTripKeepsEveryValueBitForBit()
    {
        var back = ExampleEmbeddingsFile.Parse(ExampleEmbeddingsFile.ToBytes(Sample()), "x.json");
        Assert.That(back.Model, Is.EqualTo(Model));
        Assert.That(back.Signal, Is.EqualTo(EmbeddingSignal.Query));
        Assert.That(back.Vectors.SelectMany(v => v).Select(BitConverter.SingleToInt32Bits),
            Is.EqualTo(Sample().Vectors.SelectMany(v => v).Select(BitConverter.SingleToInt32Bits)));
    }

    [TestCase("\"crayon.example-embeddings\"", "\"something-else\"", "field 'format'")]
    [TestCase("\"version\": 1", "\"version\": 7", "field 'version'")]
    [TestCase("\"version\": 1", "\"version\": \"1\"", "field 'version'")]
    [TestCase("\"signal\": \"query\"", "\"signal\": \"keys\"", "field 'signal'")]
    [TestCase("\"dimension\": 3", "\"dimension\": 4", "embeddings[0]")]
    [TestCase("\"dimension\": 3", "\"dimension\": 0", "field 'dimension'")]
    [TestCase("\"fingerprint\"", "\"fingerprints\"", "field 'model.fingerprint'")]
    [TestCase("0.25", "\"0.25\"", "embeddings[0][0]")]
    [TestCase("0.25", "1e39", "embeddings[0][0]")]
    [TestCase("\"embeddings\": [", "\"embeddings\": {\"a\": [", "JSON")]
    public void EachBadFieldIsNamed(string find, string replace, string field)
    {
        var json = Json(Sample());
        Assert.That(json, Does.Contain(find), "setup: the text to replace is in the file");
        var bad = Encoding.UTF8.GetBytes(ReplaceFirst(json, find, replace));
        var error = Assert.Throws<ExampleEmbeddingsFormatException>(() => ExampleEmbeddingsFile.Parse(bad, "user.json"))!;
        Assert.That(error.Message, Does.StartWith("user.json: ").And.Contain(field));
    }

    [Test]
    public void EmptyZeroAndOversizedInputsAreRefused()
    {
        var empty = Json(Sample()).Replace("[\n    [", "[[").Split("\"embeddings\"")[0] + "\"embeddings\": []}";
        Assert.That(Assert.Throws<ExampleEmbeddingsFormatException>(() => ExampleEmbeddingsFile.Parse(Encoding.UTF8.GetBytes(empty), "e.json"))!.Message,
            Does.Contain("is empty"));
        var zeroJson = Json(new ExampleEmbeddings(Model, EmbeddingSignal.Query, [[7, 9]])).Replace("7", "0").Replace("9", "0");
        Assert.That(Assert.Throws<ExampleEmbeddingsFormatException>(() => ExampleEmbeddingsFile.Parse(Encoding.UTF8.GetBytes(zeroJson), "z.json"))!.Message,
            Does.Contain("zero vector"));
        Assert.That(Assert.Throws<ExampleEmbeddingsFormatException>(() => ExampleEmbeddingsFile.Parse(new byte[ExampleEmbeddingsFile.MaxBytes + 1], "big.json"))!.Message,
            Does.Contain("over the limit"));
    }

    [Test]
    public void MutatedFilesFailOnlyWithAFormatError()
    {
        var valid = ExampleEmbeddingsFile.ToBytes(Sample());
        Prop.ForAll(TextMutations.Edits(valid.Length, 6), edits => Parses(TextMutations.Apply(valid, edits))).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), Parses).Check(Config.QuickThrowOnFailure.WithMaxTest(200));
    }

    private static bool Parses(byte[] bytes)
    {
        try
        {
            var e = ExampleEmbeddingsFile.Parse(bytes, "fuzz");
            return e.Vectors.Count > 0 && e.Vectors.All(v => v.Length == e.Dimension && v.All(float.IsFinite));
        }
        catch (ExampleEmbeddingsFormatException e)
        {
            return e.Message.StartsWith("fuzz: ", StringComparison.Ordinal);
        }
    }

    private static string ReplaceFirst(string text, string find, string replace)
    {
        var at = text.IndexOf(find, StringComparison.Ordinal);
        return text[..at] + replace + text[(at + find.Length)..];
    }
}
