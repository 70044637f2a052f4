using System.Numerics;
using System.Text;

namespace Crayon;

/// <summary>
/// A small pseudo-random generator (xoshiro256** seeded through SplitMix64) whose output is fixed
/// by its seed on every runtime and machine. <see cref="System.Random"/> makes no such promise across
/// .NET versions, and Crayon's pools, samples and benchmark numbers must be reproducible from a seed.
/// </summary>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Starts the stream for <paramref name="seed"/>; equal seeds give equal streams.</summary>
    public SeededRandom(long seed)
    {
        var x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>
    /// A seed for an independent sub-stream named by <paramref name="label"/> (e.g. a task name), so
    /// that adding or reordering tasks never changes what another task draws.
    /// </summary>
    public static long Derive(long seed, string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var hash = 14695981039346656037UL; // FNV-1a 64 over the UTF-8 label
        foreach (var b in Encoding.UTF8.GetBytes(label)) hash = (hash ^ b) * 1099511628211UL;
        var x = unchecked((ulong)seed) ^ hash;
        return unchecked((long)SplitMix(ref x));
    }

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var bound = (ulong)maxExclusive;
        var limit = ulong.MaxValue - ulong.MaxValue % bound; // reject the incomplete last block
        ulong draw;
        do draw = NextUInt64(); while (draw >= limit);
        return (int)(draw % bound);
    }

    /// <summary>A standard normal draw (Box-Muller; one value per call, so the stream stays simple).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble(); // in (0, 1], so the log is finite
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Shuffles <paramref name="items"/> in place (Fisher-Yates).</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>A random permutation of 0..<paramref name="count"/>-1.</summary>
    public int[] Permutation(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = new int[count];
        for (var i = 0; i < count; i++) order[i] = i;
        Shuffle(order.AsSpan());
        return order;
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
