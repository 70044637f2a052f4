using Crayon.Formats.Gguf;
using NUnit.Framework;

namespace Crayon.Tests.Formats.Gguf;

/// <summary>Hand-made malformed files: each must fail with a GgufFormatException naming the field and the limit.</summary>
public class GgufCorruptionTests
{
    private static GgufFormatException Rejects(byte[] bytes) =>
        Assert.Throws<GgufFormatException>(() => GgufReader.Read(bytes, "bad.gguf"))!;

    [Test]
    public void EmptyAndForeignFilesAreNotGguf()
    {
        Assert.That(Rejects([]).Message, Does.Contain("bad.gguf").And.Contain("magic").And.Contain("needs 4 bytes"));
        Assert.That(Rejects("PK\u0003\u0004rest"u8.ToArray()).Message, Does.Contain("not 'GGUF'"));
    }

    [TestCase(1u, "v1")]
    [TestCase(0x03000000u, "big-endian")]
    [TestCase(4u, "newer")]
    public void UnsupportedVersionsAreNamed(uint version, string expected) =>
        Assert.That(Rejects(new RawGgufBuilder().Header(0, 0, version).ToArray()).Message, Does.Contain(expected));

    [Test]
    public void CountsTheFileCannotHoldAreRejectedBeforeAllocating()
    {
        var tensors = Rejects(new RawGgufBuilder().Header(ulong.MaxValue / 2, 0).ToArray());
        Assert.That(tensors.Field, Is.EqualTo("header: tensor count"));
        Assert.That(tensors.ByteOffset, Is.EqualTo(8));
        var entries = Rejects(new RawGgufBuilder().Header(0, 1_000_000).Bytes(64).ToArray());
        Assert.That(entries.Message, Does.Contain("1000000 key/value pairs cannot fit in the 64 bytes"));
    }

    [Test]
    public void HugeStringAndArrayLengthsAreRejectedWithTheLimit()
    {
        var key = new RawGgufBuilder().Header(0, 1).U64(1UL << 62).Bytes(16).ToArray();
        Assert.That(Rejects(key).Message, Does.Contain("metadata key #0").And.Contain("exceeds the limit of 1073741824 bytes"));

        var value = new RawGgufBuilder().Header(0, 1).Str("k").U32(8).U64(5000).Bytes(16).ToArray();
        Assert.That(Rejects(value).Message, Does.Contain("metadata key 'k'").And.Contain("string length 5000 exceeds the 16 bytes left"));

        var array = new RawGgufBuilder().Header(0, 1).Str("a").U32(9).U32(6).U64(1UL << 40).Bytes(64).ToArray();
        Assert.That(Rejects(array).Message, Does.Contain("metadata key 'a'").And.Contain("exceeds the limit of 1073741824"));

        var strings = new RawGgufBuilder().Header(0, 1).Str("s").U32(9).U32(8).U64(100).Bytes(64).ToArray();
        Assert.That(Rejects(strings).Message, Does.Contain("100 str elements needs at least 800 bytes but only 64 remain"));
    }

    [Test]
    public void MalformedMetadataIsNamedByKey()
    {
        Assert.That(Rejects(new RawGgufBuilder().Header(0, 1).Str("k").U32(13).Bytes(8).ToArray()).Message,
            Does.Contain("metadata key 'k'").And.Contain("value type 13 is not a GGUF type"));
        Assert.That(Rejects(new RawGgufBuilder().Header(0, 2).KeyU32("k", 1).KeyU32("k", 2).ToArray()).Message,
            Does.Contain("metadata key 'k'").And.Contain("appears twice"));
        Assert.That(Rejects(new RawGgufBuilder().Header(0, 1).Str("").U32(4).U32(0).ToArray()).Message, Does.Contain("is empty"));
        Assert.That(Rejects(new RawGgufBuilder().Header(0, 1).Str([0xc3, 0x28]).U32(4).U32(0).ToArray()).Message, Does.Contain("not valid UTF-8"));
        Assert.That(Rejects(new RawGgufBuilder().Header(0, 1).KeyU32(GgufKeys.Alignment, 24).ToArray()).Message,
            Does.Contain("general.alignment").And.Contain("not a power of two"));

        // An array of arrays: each element is an element type and a count, with no type tag of its own.
        var deep = new RawGgufBuilder().Header(0, 1).Str("n").U32(9);
        for (var i = 0; i < 12; i++) deep.U32(9).U64(1);
        Assert.That(Rejects(deep.U32(4).U64(0).ToArray()).Message, Does.Contain("nest deeper than 8"));
        var badInner = new RawGgufBuilder().Header(0, 1).Str("n").U32(9).U32(9).U64(1).U32(77).U64(0).ToArray();
        Assert.That(Rejects(badInner).Message, Does.Contain("metadata key 'n' element 0").And.Contain("value type 77"));
    }

    [Test]
    public void MalformedTensorInfosAreNamedByTensor()
    {
        static byte[] One(string name, ulong[] dims, uint type, ulong offset, int data = 64) =>
            new RawGgufBuilder().Header(1, 0).TensorInfo(name, dims, type, offset).PadTo(32).Bytes(data).ToArray();

        Assert.That(Rejects(One(new string('n', 64), [1], 0, 0)).Message, Does.Contain("tensor #0 name").And.Contain("limit of 63"));
        Assert.That(Rejects(One("t", [1, 1, 1, 1, 1], 0, 0)).Message, Does.Contain("tensor 't'").And.Contain("5 dimensions"));
        Assert.That(Rejects(One("t", [unchecked((ulong)-3)], 0, 0)).Message, Does.Contain("dimension 0 is -3"));
        Assert.That(Rejects(One("t", [1UL << 40, 1UL << 40], 0, 0)).Message, Does.Contain("overflows 64 bits"));
        Assert.That(Rejects(One("t", [4], 4, 0)).Message, Does.Contain("ggml type 4 is unknown"));
        Assert.That(Rejects(One("t", [33], 2, 0)).Message, Does.Contain("not a multiple of the q4_0 block size 32"));
        Assert.That(Rejects(One("t", [4], 0, 16)).Message, Does.Contain("offset 16 is not a multiple of the alignment 32"));
        Assert.That(Rejects(One("t", [100], 0, 0)).Message, Does.Contain("extends past the 64 bytes of the data section"));
        Assert.That(Rejects(One("t", [4], 0, ulong.MaxValue)).Message, Does.Contain("beyond any file"));

        var overlap = new RawGgufBuilder().Header(2, 0)
            .TensorInfo("a", [16], 0, 0).TensorInfo("b", [16], 0, 32).PadTo(32).Bytes(128).ToArray();
        Assert.That(Rejects(overlap).Message, Does.Contain("tensor 'b'").And.Contain("overlaps tensor 'a'"));
        var twice = new RawGgufBuilder().Header(2, 0)
            .TensorInfo("a", [4], 0, 0).TensorInfo("a", [4], 0, 32).PadTo(32).Bytes(64).ToArray();
        Assert.That(Rejects(twice).Message, Does.Contain("tensor 'a'").And.Contain("appears twice"));
    }

    [Test]
    public void EveryTruncationOfAValidFileFailsCleanly()
    {
        var bytes = GgufWriter.ToBytes(SampleGguf.Create());
        var lastTensor = GgufReader.ReadLayout(new MemoryStream(bytes)).Tensors.Max(t => t.Offset + t.Info.ByteSize);
        var dataStart = GgufReader.ReadLayout(new MemoryStream(bytes)).DataOffset;
        for (var length = 0; length < dataStart + lastTensor; length++)
        {
            var e = Assert.Throws<GgufFormatException>(() => GgufReader.Read(bytes.AsMemory(0, length), "cut.gguf"), $"truncated to {length} bytes");
            Assert.That(e!.Message, Does.StartWith("cut.gguf: "));
        }
        Assert.That(() => GgufReader.Read(bytes.AsMemory(0, (int)(dataStart + lastTensor))), Throws.Nothing, "only trailing padding is missing");
    }

    [Test]
    public void MissingFileIsNamed() =>
        Assert.That(() => GgufReader.Read("/nonexistent/model.gguf"), Throws.InstanceOf<FileNotFoundException>().With.Message.Contains("/nonexistent/model.gguf"));
}
