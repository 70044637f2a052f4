using Crayon.Formats.Gguf;
using NUnit.Framework;

namespace Crayon.Tests.Formats.Gguf;

public class GgufRoundTripTests
{
    [TestCase(32)]
    [TestCase(64)]
    [TestCase(1)]
    public void EveryValueTypeAndTensorTypeRoundTrips(int alignment)
    {
        var file = SampleGguf.Create(alignment);
        var bytes = GgufWriter.ToBytes(file);
        var back = GgufReader.Read(bytes, "sample");

        GgufAssert.Equal(back, file);
        Assert.That(back.Alignment, Is.EqualTo(alignment));
        Assert.That(GgufWriter.ToBytes(back), Is.EqualTo(bytes), "writing what was read gives the same bytes");
        Assert.That(bytes.Length, Is.EqualTo(GgufWriter.MeasureSize(file.Metadata, file.Tensors.Select(t => t.Info).ToList())));
        Assert.That(bytes.Length % alignment, Is.Zero, "the last tensor is padded like llama.cpp pads it");
    }

    [Test]
    public void LayoutPlacesEveryTensorOnTheAlignmentInOrder()
    {
        var file = SampleGguf.Create(alignment: 64);
        var layout = GgufReader.ReadLayout(new MemoryStream(GgufWriter.ToBytes(file)));
        Assert.That(layout.DataOffset % 64, Is.Zero);
        long expected = 0;
        foreach (var t in layout.Tensors)
        {
            Assert.That(t.Offset, Is.EqualTo(expected), t.Info.Name);
            expected += GgufLayout.Pad(t.Info.ByteSize, 64);
        }
    }

    [Test]
    public void ValuesKeepTheirExactBitsAndBytes()
    {
        var back = GgufReader.Read(GgufWriter.ToBytes(SampleGguf.Create()));
        var m = back.Metadata;
        Assert.Multiple(() =>
        {
            Assert.That(m["t.u8"].AsUInt8(), Is.EqualTo(200));
            Assert.That(m["t.i16"].AsInt16(), Is.EqualTo(-30_000));
            Assert.That(m["t.u64"].AsUInt64(), Is.EqualTo(ulong.MaxValue));
            Assert.That(m["t.i64"].AsInt64(), Is.EqualTo(long.MinValue));
            Assert.That(float.IsNegative(m["t.f32"].AsFloat32()), Is.True, "-0.0 keeps its sign");
            Assert.That(m["t.f64"].AsFloat64(), Is.EqualTo(Math.PI));
            Assert.That(m["t.str"].AsString(), Is.EqualTo("héllo ▁wörld"));
            Assert.That(m["t.str.invalid_utf8"].AsUtf8().ToArray(), Is.EqualTo(new byte[] { 0xff, 0xfe, 0x41 }));
            Assert.That(m["t.arr.str"].AsStringArray(), Is.EqualTo(new[] { "<s>", "▁the", "" }));
            Assert.That(float.IsNaN(m["t.arr.f32"].AsArray<float>()[1]), Is.True);
            Assert.That(m["t.arr.bool"].AsArray<bool>().ToArray(), Is.EqualTo(new[] { true, false, true }));
            Assert.That(m["t.arr.empty"].Count, Is.Zero);
            var nested = m["t.arr.nested"].AsNestedArrays();
            Assert.That(nested[0].AsArray<uint>().ToArray(), Is.EqualTo(new uint[] { 1, 2 }));
            Assert.That(nested[1].AsStringArray(), Is.EqualTo(new[] { "a" }));
            Assert.That(nested[2].AsNestedArrays()[0].AsArray<double>()[0], Is.EqualTo(0.25));
            Assert.That(m.GetInteger("t.u32"), Is.EqualTo(4_000_000_000L));
        });
    }

    [Test]
    public void NestedArraysAreWrittenAsTheSpecLaysThemOut()
    {
        var m = new GgufMetadata().Set("n", GgufValue.Array([GgufValue.Array([7u]), GgufValue.Array(["x"])]));
        // gguf.md: an array is (element type, count, items); items of an array of arrays have no type tag.
        var expected = new RawGgufBuilder().Header(0, 1).Str("n").U32(9)
            .U32(9).U64(2)
            .U32(4).U64(1).U32(7)
            .U32(8).U64(1).Str("x")
            .PadTo(32).ToArray();
        Assert.That(GgufWriter.ToBytes(new GgufFile(m, [])), Is.EqualTo(expected));
    }

    [Test]
    public void FloatTensorsConvertThroughTheirStorageType()
    {
        var values = new[] { 1f, -2.5f, 0.1f, 65504f, 1e-8f };
        foreach (var type in new[] { GgmlType.F32, GgmlType.F16, GgmlType.BF16 })
        {
            var back = GgufReader.Read(GgufWriter.ToBytes(new GgufFile(new GgufMetadata(), [GgufTensor.FromFloat32("x", [5], values, type)])))["x"];
            var floats = back.ToFloat32();
            for (var i = 0; i < values.Length; i++)
            {
                var expected = type switch
                {
                    GgmlType.F16 => (float)(Half)values[i],
                    GgmlType.BF16 => BitConverter.Int32BitsToSingle((int)(BitConverter.SingleToUInt32Bits(values[i]) + 0x7fff + ((BitConverter.SingleToUInt32Bits(values[i]) >> 16) & 1)) & ~0xffff),
                    _ => values[i],
                };
                Assert.That(floats[i], Is.EqualTo(expected), $"{type} element {i}");
            }
        }
    }

    [Test]
    public void QuantizedTypesCarryTheirBlockGeometry()
    {
        // Sizes from ggml-common.h's static_asserts: block bytes for a row of one block.
        Assert.Multiple(() =>
        {
            Assert.That(new GgufTensorInfo("a", [32], GgmlType.Q4_0).ByteSize, Is.EqualTo(18));
            Assert.That(new GgufTensorInfo("a", [32], GgmlType.Q8_0).ByteSize, Is.EqualTo(34));
            Assert.That(new GgufTensorInfo("a", [256], GgmlType.Q4_K).ByteSize, Is.EqualTo(144));
            Assert.That(new GgufTensorInfo("a", [256], GgmlType.Q6_K).ByteSize, Is.EqualTo(210));
            Assert.That(new GgufTensorInfo("a", [256], GgmlType.Q8_K).ByteSize, Is.EqualTo(292));
            Assert.That(new GgufTensorInfo("a", [256], GgmlType.IQ3_S).ByteSize, Is.EqualTo(110));
            Assert.That(new GgufTensorInfo("a", [256], GgmlType.TQ1_0).ByteSize, Is.EqualTo(54));
            Assert.That(new GgufTensorInfo("a", [64], GgmlType.NVFP4).ByteSize, Is.EqualTo(36));
            Assert.That(new GgufTensorInfo("a", [128, 3], GgmlType.Q1_0).ByteSize, Is.EqualTo(54));
        });
        Assert.That(() => new GgufTensorInfo("a", [33], GgmlType.Q4_0), Throws.ArgumentException.With.Message.Contains("block size 32"));
        Assert.That(() => GgufTensor.FromFloat32("q", [32], new float[32], GgmlType.Q4_0), Throws.InstanceOf<NotSupportedException>());
    }

    [Test]
    public void WriterRejectsWhatLlamaCppWouldReject()
    {
        Assert.That(() => new GgufTensorInfo(new string('x', 64), [1], GgmlType.F32), Throws.ArgumentException.With.Message.Contains("at most 63"));
        Assert.That(() => new GgufTensorInfo("x", [1, 1, 1, 1, 1], GgmlType.F32), Throws.ArgumentException.With.Message.Contains("5 dimensions"));
        var badAlignment = new GgufMetadata().Set(GgufKeys.Alignment, GgufValue.U32(48));
        Assert.That(() => GgufWriter.ToBytes(new GgufFile(badAlignment, [])), Throws.InstanceOf<GgufFormatException>().With.Message.Contains("power of two"));
        var wrongType = new GgufMetadata().Set(GgufKeys.Alignment, GgufValue.U64(32));
        Assert.That(() => GgufWriter.ToBytes(new GgufFile(wrongType, [])), Throws.InstanceOf<GgufFormatException>().With.Message.Contains("u32"));
        var info = new GgufTensorInfo("t", [4], GgmlType.F32);
        Assert.That(() => GgufWriter.Write(new MemoryStream(), new GgufMetadata(), [info], (_, _, s) => s.Write(new byte[12])),
            Throws.InvalidOperationException.With.Message.Contains("12 bytes were written"));
    }

    [Test]
    public void StreamedWritingMatchesInMemoryWritingAndLeavesNoTemporaryFile()
    {
        var file = SampleGguf.Create();
        var dir = Directory.CreateTempSubdirectory("crayon-gguf-");
        try
        {
            var path = Path.Combine(dir.FullName, "out.gguf");
            GgufWriter.WriteFile(path, file);
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(GgufWriter.ToBytes(file)));
            Assert.That(Directory.GetFiles(dir.FullName), Has.Length.EqualTo(1));
            GgufAssert.Equal(GgufReader.Read(path), file);
            using var nonSeekable = new NonSeekableStream(File.ReadAllBytes(path));
            GgufAssert.Equal(GgufReader.Read(nonSeekable), file);
        }
        finally { dir.Delete(recursive: true); }
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
