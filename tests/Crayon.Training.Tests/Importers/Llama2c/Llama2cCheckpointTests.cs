using Crayon.Formats;
using Crayon.Formats.Gguf;
using Crayon.Importers.Llama2c;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Importers.Llama2c;

public class Llama2cCheckpointTests : TempFolderTest
{
    private string WriteFile(string name, byte[] bytes)
    {
        var path = PathIn(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A tiny checkpoint: dim 8, hidden 12, 2 layers, 2 heads, 1 KV head, vocab 260 (negative = unshared), seq 4.</summary>
    private static (byte[] Bytes, float[] Floats) Synthetic(int vocab, int floatsDelta = 0)
    {
        int dim = 8, hidden = 12, layers = 2, kv = 4, seq = 4, v = Math.Abs(vocab);
        var count = v * dim + layers * (dim + dim * dim + 2 * kv * dim + dim * dim + dim + 3 * dim * hidden) + dim + 2 * seq * 4 / 2
                    + (vocab < 0 ? v * dim : 0) + floatsDelta;
        var floats = Enumerable.Range(0, count).Select(i => i * 0.001f).ToArray();
        var bytes = new byte[28 + count * 4];
        Buffer.BlockCopy(new[] { dim, hidden, layers, 2, 1, vocab, seq }, 0, bytes, 0, 28);
        Buffer.BlockCopy(floats, 0, bytes, 28, count * 4);
        return (bytes, floats);
    }

    private static byte[] SyntheticTokenizer(int vocab)
    {
        using var s = new MemoryStream();
        using var w = new BinaryWriter(s);
        w.Write(7);
        string Piece(int i) => i switch { 0 => "<unk>", 1 => "\n<s>\n", 2 => "\n</s>\n", < 259 => $"<0x{i - 3:X2}>", 259 => " ", _ => ((char)('a' + (i - 260) % 26)).ToString() };
        for (var i = 0; i < vocab; i++)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(Piece(i));
            w.Write(-(float)i);
            w.Write(bytes.Length);
            w.Write(bytes);
        }
        return s.ToArray();
    }

    [Test]
    public void NegativeVocabSizeMeansAnUnsharedClassifierStoredAfterTheRopeTables()
    {
        var (bytes, floats) = Synthetic(-261);
        var model = WriteFile("unshared.bin", bytes);
        var tok = WriteFile("tok.bin", SyntheticTokenizer(261));
        var gguf = GgufReader.Read(Llama2cImporter.ImportToBytes(model, tok));

        var output = gguf["output.weight"];
        Assert.That(output.Dimensions, Is.EqualTo(new long[] { 8, 261 }));
        Assert.That(output.ToFloat32(), Is.EqualTo(floats[^(261 * 8)..]), "wcls is the last vocab × dim floats");
        Assert.That(gguf["token_embd.weight"].ToFloat32(), Is.EqualTo(floats[..(261 * 8)]));
        Assert.That(gguf.Metadata.GetUInt32("llama.vocab_size"), Is.EqualTo(261u));
        Assert.That(gguf.Metadata.GetUInt32("llama.attention.head_count_kv"), Is.EqualTo(1u));
    }

    [Test]
    public void ATruncatedCheckpointIsRejectedWithThePredictedSize()
    {
        var (bytes, _) = Synthetic(261);
        var path = WriteFile("short.bin", bytes[..^4]);
        var e = Assert.Throws<FileFormatException>(() => Llama2cCheckpoint.Open(path))!;
        Assert.That(e.Message, Does.Contain("short.bin").And.Contain($"predicts {bytes.Length} bytes but the file has {bytes.Length - 4}"));
        Assert.That(() => Llama2cCheckpoint.Open(WriteFile("tiny.bin", new byte[10])), Throws.InstanceOf<FileFormatException>().With.Message.Contains("header alone is 28"));
    }

    [Test]
    public void ImplausibleHeadersAndNewerFormatsAreNamed()
    {
        var (bytes, _) = Synthetic(261);
        var heads = (byte[])bytes.Clone();
        BitConverter.GetBytes(3).CopyTo(heads, 12); // 8 does not split into 3 heads
        Assert.That(() => Llama2cCheckpoint.Open(WriteFile("heads.bin", heads)), Throws.InstanceOf<FileFormatException>().With.Message.Contains("n_heads"));
        var layers = (byte[])bytes.Clone();
        BitConverter.GetBytes(-5).CopyTo(layers, 8);
        Assert.That(() => Llama2cCheckpoint.Open(WriteFile("layers.bin", layers)), Throws.InstanceOf<FileFormatException>()
            .With.Message.Contains("header: n_layers (at byte 8): is -5"));
        var versioned = (byte[])bytes.Clone();
        BitConverter.GetBytes(0x616b3432).CopyTo(versioned, 0);
        Assert.That(() => Llama2cCheckpoint.Open(WriteFile("v1.bin", versioned)), Throws.InstanceOf<FileFormatException>().With.Message.Contains("version-0"));
    }

    [Test]
    public void MismatchedTokenizerIsRejectedBeforeAnythingIsWritten()
    {
        var model = WriteFile("m.bin", Synthetic(261).Bytes);
        var tok = WriteFile("tok.bin", SyntheticTokenizer(300));
        var output = PathIn("out.gguf");
        Assert.That(() => Llama2cImporter.Import(model, tok, output), Throws.InstanceOf<FileFormatException>().With.Message.Contains("follow the 261 tokens"));
        Assert.That(File.Exists(output), Is.False);
    }
}
