using Crayon.Formats.Gguf;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Crayon.Tests.Formats.Gguf;

/// <summary>FsCheck: any metadata and tensors our writer accepts come back from the reader identical, byte for byte.</summary>
public class GgufPropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(150);

    private static readonly string[] Graphemes = ["a", "b", "z", ".", "-", "_", " ", "▁", "é", "ü", "日", "🙂", "\n", "\"", "\\"];

    private static Gen<string> Text(int maxLength) =>
        Gen.Choose(0, maxLength).SelectMany(n => Gen.ArrayOf(Gen.Elements(Graphemes), n)).Select(parts => string.Concat(parts));

    private static Gen<GgufValue> Scalar() => Gen.OneOf(
        Gen.Choose(0, 255).Select(v => GgufValue.U8((byte)v)),
        Gen.Choose(-128, 127).Select(v => GgufValue.I8((sbyte)v)),
        Gen.Choose(0, 65535).Select(v => GgufValue.U16((ushort)v)),
        Gen.Choose(-32768, 32767).Select(v => GgufValue.I16((short)v)),
        ArbMap.Default.GeneratorFor<uint>().Select(GgufValue.U32),
        ArbMap.Default.GeneratorFor<int>().Select(GgufValue.I32),
        ArbMap.Default.GeneratorFor<float>().Select(GgufValue.F32),
        ArbMap.Default.GeneratorFor<bool>().Select(GgufValue.Bool),
        ArbMap.Default.GeneratorFor<ulong>().Select(GgufValue.U64),
        ArbMap.Default.GeneratorFor<long>().Select(GgufValue.I64),
        ArbMap.Default.GeneratorFor<double>().Select(GgufValue.F64),
        Text(20).Select(GgufValue.Str),
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 5).Select(b => GgufValue.StrUtf8(b)));

    private static Gen<GgufValue> Array(int depth) => Gen.OneOf(
        [
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<float>()).Select(a => GgufValue.Array(a)),
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<int>()).Select(a => GgufValue.Array(a)),
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<bool>()).Select(a => GgufValue.Array(a)),
            Gen.ArrayOf(ArbMap.Default.GeneratorFor<ulong>()).Select(a => GgufValue.Array(a)),
            Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).Select(a => GgufValue.Array(a)),
            Gen.ListOf(Text(8)).Select(a => GgufValue.Array(a.ToArray())),
            .. depth > 0 ? [Gen.ListOf(Array(depth - 1), 3).Select(a => GgufValue.Array(a.ToArray()))] : System.Array.Empty<Gen<GgufValue>>(),
        ]);

    private static readonly GgmlType[] Types = GgmlTypeTraits.KnownTypes.ToArray();

    private static Gen<GgufTensor> Tensor(int index) =>
        from type in Gen.Elements(Types)
        from blocks in Gen.Choose(0, 3)
        from rank in Gen.Choose(0, 4)
        from outer in Gen.ArrayOf(Gen.Choose(0, 3), Math.Max(0, rank - 1))
        from seed in Gen.Choose(0, int.MaxValue)
        select MakeTensor(index, type, blocks, rank, outer, seed);

    private static GgufTensor MakeTensor(int index, GgmlType type, int blocks, int rank, int[] outer, int seed)
    {
        var dims = rank == 0 ? [] : new[] { (long)blocks * GgmlTypeTraits.Of(type).BlockSize }.Concat(outer.Select(o => (long)o)).ToArray();
        if (rank == 0 && GgmlTypeTraits.Of(type).BlockSize != 1) dims = [GgmlTypeTraits.Of(type).BlockSize];
        return SampleGguf.Raw(new Random(seed), $"t{index}.{GgmlTypeTraits.NameOf(type)}", dims, type);
    }

    private static Gen<GgufFile> File() =>
        from alignment in Gen.Elements(1, 8, 32, 64, 256)
        from entries in Gen.ListOf(Gen.Frequency((3, Scalar()), (1, Array(depth: 2))), 12)
        from tensorCount in Gen.Choose(0, 6)
        from tensors in Gen.CollectToArray(Enumerable.Range(0, tensorCount).Select(Tensor))
        select Assemble(alignment, entries.ToArray(), tensors);

    private static GgufFile Assemble(int alignment, GgufValue[] values, GgufTensor[] tensors)
    {
        var m = new GgufMetadata("property");
        if (alignment != 32) m.Set(GgufKeys.Alignment, GgufValue.U32((uint)alignment));
        for (var i = 0; i < values.Length; i++) m.Set($"key.{i}", values[i]);
        return new GgufFile(m, tensors);
    }

    [Test]
    public void AnyWrittenFileReadsBackIdenticalAndRewritesToTheSameBytes() =>
        Check.One(Runs, Prop.ForAll(File().ToArbitrary(), file =>
        {
            var bytes = GgufWriter.ToBytes(file);
            var back = GgufReader.Read(bytes, "property");
            GgufAssert.Equal(back, file);
            Assert.That(GgufWriter.ToBytes(back), Is.EqualTo(bytes));
            Assert.That(back.Alignment, Is.EqualTo(file.Alignment));
            using var stream = new MemoryStream(bytes);
            GgufAssert.Equal(GgufReader.Read(stream), file);
        }));
}
