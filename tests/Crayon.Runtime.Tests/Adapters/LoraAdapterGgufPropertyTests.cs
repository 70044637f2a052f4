using Crayon.Adapters;
using Crayon.Formats.Gguf;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Crayon.Tests.Adapters;

/// <summary>FsCheck: adapters of any shape survive GGUF exactly (F32) and keep their geometry (F16).</summary>
public class LoraAdapterGgufPropertyTests
{
    private static Gen<LoraAdapter> Adapter() =>
        from layers in Gen.Choose(1, 3)
        from rank in Gen.Choose(1, 5)
        from inFeatures in Gen.Choose(1, 9)
        from outFeatures in Gen.Choose(1, 9)
        from alpha in Gen.Choose(-64, 64)
        from seed in Gen.Choose(0, int.MaxValue)
        select Build(layers, rank, inFeatures, outFeatures, alpha, seed);

    private static LoraAdapter Build(int layers, int rank, int inFeatures, int outFeatures, int alpha, int seed)
    {
        var random = new Random(seed);
        LoraMatrix M(int r, int c) => new(r, c, Enumerable.Range(0, r * c).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray());
        var pairs = Enumerable.Range(0, layers).SelectMany(l => new[]
        {
            new LoraPair($"blk.{l}.attn_q", M(rank, inFeatures), M(outFeatures, rank)),
            new LoraPair($"blk.{l}.ffn_down", M(rank + l, outFeatures), M(inFeatures, rank + l)),
        }).ToList();
        return new LoraAdapter("llama", alpha / 2f, pairs);
    }

    [Test]
    public void AnyAdapterRoundTrips() =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(100), Prop.ForAll(Adapter().ToArbitrary(), adapter =>
        {
            var back = LoraAdapterGguf.Read(LoraAdapterGguf.ToBytes(adapter));
            Assert.That(back.Alpha, Is.EqualTo(adapter.Alpha));
            Assert.That(back.Pairs.Select(p => (p.Target, p.Rank, p.InFeatures, p.OutFeatures)),
                Is.EqualTo(adapter.Pairs.Select(p => (p.Target, p.Rank, p.InFeatures, p.OutFeatures))));
            for (var i = 0; i < adapter.Pairs.Count; i++)
            {
                Assert.That(back.Pairs[i].A.Data, Is.EqualTo(adapter.Pairs[i].A.Data));
                Assert.That(back.Pairs[i].B.Data, Is.EqualTo(adapter.Pairs[i].B.Data));
            }
            var half = LoraAdapterGguf.Read(LoraAdapterGguf.ToBytes(adapter, GgmlType.F16));
            Assert.That(half.Pairs.Zip(adapter.Pairs).All(p => p.First.B.Data.Zip(p.Second.B.Data).All(v => Math.Abs(v.First - v.Second) <= 1e-3)), Is.True);
        }));
}
