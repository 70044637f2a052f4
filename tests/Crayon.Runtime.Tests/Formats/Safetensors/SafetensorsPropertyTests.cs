using Crayon.Formats.Safetensors;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Crayon.Tests.Formats.Safetensors;

/// <summary>FsCheck: files laid out like the reference writer's parse back to the same tensors.</summary>
public class SafetensorsPropertyTests
{
    private static readonly string[] Dtypes = ["F32", "F16", "BF16", "I8", "U8", "I64", "F64", "BOOL"];

    [Test]
    public void PackedFilesParseBackToTheirTensors()
    {
        var tensor = from dtype in Gen.Elements(Dtypes)
                     from shape in Gen.ListOf(Gen.Choose(0, 4), 3)
                     from seed in Gen.Choose(0, int.MaxValue)
                     select (dtype, shape: shape.Select(d => (long)d).ToArray(), seed);
        var files = Gen.ListOf(tensor, 6);
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(150), Prop.ForAll(files.ToArbitrary(), list =>
        {
            var builder = new SafetensorsBuilder().Metadata("format", "pt");
            var expected = new List<(string Name, string Dtype, long[] Shape, byte[] Data)>();
            foreach (var (t, i) in list.Select((t, i) => (t, i)))
            {
                var size = t.shape.Aggregate(1L, (a, d) => a * d) * (t.dtype is "F32" ? 4 : t.dtype is "F16" or "BF16" ? 2 : t.dtype is "I64" or "F64" ? 8 : 1);
                var data = new byte[size];
                new Random(t.seed).NextBytes(data);
                builder.Raw($"tensor.{i}", t.dtype, t.shape, data);
                expected.Add(($"tensor.{i}", t.dtype, t.shape, data));
            }
            var file = SafetensorsReader.Read(builder.Build(), "property");
            Assert.That(file.Metadata["format"], Is.EqualTo("pt"));
            Assert.That(file.Tensors, Has.Count.EqualTo(expected.Count));
            foreach (var (name, dtype, shape, data) in expected)
            {
                var t = file[name];
                Assert.That(SafetensorsDtypes.Name(t.Dtype), Is.EqualTo(dtype));
                Assert.That(t.Shape, Is.EqualTo(shape));
                Assert.That(t.Data.ToArray(), Is.EqualTo(data));
            }
        }));
    }
}
