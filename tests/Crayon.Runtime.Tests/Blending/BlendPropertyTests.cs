using Crayon.Adapters;
using Crayon.Blending;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Crayon.Tests.Blending;

/// <summary>
/// Properties over generated pools (any N, rank and odd shapes, either mode, any top-k): Vulkan and
/// the CPU path both match the float64 reference, and so match each other.
/// </summary>
public class BlendPropertyTests
{
    private sealed record Case(int N, int Rank, (int In, int Out)[] Shapes, float[] Weights, bool Concat, int K, int Seed)
    {
        public override string ToString() =>
            $"N={N} r={Rank} shapes=[{string.Join(", ", Shapes.Select(s => $"{s.In}->{s.Out}"))}] {(Concat ? $"concat k={K}" : "linear")} seed={Seed}";
    }

    private static readonly Gen<Case> Cases =
        from n in Gen.Choose(1, 6)
        from rank in Gen.Choose(1, 5)
        from shapes in Gen.ArrayOf(Gen.Zip(Gen.Choose(1, 70), Gen.Choose(1, 70)), 1 + n % 3)
        from weights in Gen.ArrayOf(Gen.Elements(-1.5f, -0.25f, 0f, 0.5f, 1f, 2f), n)
        from concat in Gen.Elements(false, true)
        from k in Gen.Choose(1, n)
        from seed in Gen.Choose(0, int.MaxValue)
        select new Case(n, rank, shapes, weights, concat, k, seed);

    [Test]
    public void BothBackendsMatchTheReferenceOnGeneratedPools()
    {
        var vulkan = Backends.Get(BlendBackend.Vulkan);
        var cpu = Backends.Get(BlendBackend.Cpu);
        var property = Prop.ForAll(Cases.ToArbitrary(), c =>
        {
            var targets = c.Shapes.Select((s, i) => ($"blk.{i}.w", s.In, s.Out)).ToArray();
            var pool = new RandomAdapters(c.Seed).Pool(c.N, c.Rank, targets, mixedAlphas: true);
            var mode = c.Concat ? BlendMode.Concat : BlendMode.Linear;
            int? k = c.Concat ? c.K : null;
            return new[] { vulkan, cpu }.All(blender =>
            {
                using var resident = blender.Upload(pool, PoolStorage.Float32);
                var result = resident.Blend(c.Weights, mode, k);
                return Enumerable.Range(0, pool.Targets.Count).All(t => Error(pool, c.Weights, result, t, mode) < 1e-6);
            });
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), property);
    }

    private static double Error(AdapterPool pool, float[] weights, BlendResult result, int target, BlendMode mode) =>
        mode == BlendMode.Linear
            ? Math.Max(BlendReference.RelativeError(result.Adapter.Pairs[target].A.Data, BlendReference.Linear(pool, weights, target, factorB: false)),
                       BlendReference.RelativeError(result.Adapter.Pairs[target].B.Data, BlendReference.Linear(pool, weights, target, factorB: true)))
            : BlendReference.RelativeError(BlendReference.ToFloats(BlendReference.AppliedUpdate(result.Adapter, target)),
                                           BlendReference.ExactUpdate(pool, weights, result.Blended, target));
}
