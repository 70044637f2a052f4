using System.Buffers.Binary;

namespace Crayon.Tests.Formats;

/// <summary>Seeded byte-level mutations for fuzzing binary parsers.</summary>
internal static class Mutator
{
    private static readonly ulong[] Inflations =
        [0xFFFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 1UL << 32, 1UL << 31, 0xFFFF_FFFF, 1UL << 30, 65_536, 4_097, 255];

    public static (byte[] Bytes, string How) Mutate(byte[] seed, Random random)
    {
        var bytes = (byte[])seed.Clone();
        var kind = random.Next(8);
        var at = random.Next(bytes.Length);
        switch (kind)
        {
            case 0:
            case 1:
                var flips = 1 + random.Next(4);
                for (var f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bit flips");
            case 2:
                bytes[at] = (byte)random.Next(256);
                return (bytes, $"byte {at} set");
            case 3:
                return (bytes[..at], $"truncated to {at}");
            case 4:
                // Inflate a field that holds a small little-endian integer: most are lengths and counts.
                var candidates = SmallIntegerFields(seed);
                var pos = candidates.Count > 0 ? candidates[random.Next(candidates.Count)] : Math.Min(at, bytes.Length - 8);
                var value = Inflations[random.Next(Inflations.Length)];
                if (random.Next(2) == 0) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(pos), value);
                else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(pos), (uint)value);
                return (bytes, $"field at {pos} inflated to {value}");
            case 5:
                var adjust = random.Next(-3, 4);
                var p = SmallIntegerFields(seed) is { Count: > 0 } c ? c[random.Next(c.Count)] : at;
                bytes[p] = (byte)(bytes[p] + adjust);
                return (bytes, $"field at {p} adjusted by {adjust}");
            case 6:
                var insert = new byte[1 + random.Next(16)];
                random.NextBytes(insert);
                return ([.. bytes[..at], .. insert, .. bytes[at..]], $"{insert.Length} bytes inserted at {at}");
            default:
                var cut = Math.Min(1 + random.Next(16), bytes.Length - at);
                return ([.. bytes[..at], .. bytes[(at + cut)..]], $"{cut} bytes deleted at {at}");
        }
    }

    private static readonly Dictionary<byte[], List<int>> Cache = new(ReferenceEqualityComparer.Instance);

    /// <summary>Offsets of 8-byte windows whose value is a small positive integer (likely a length or count).</summary>
    private static List<int> SmallIntegerFields(byte[] seed)
    {
        lock (Cache)
        {
            if (Cache.TryGetValue(seed, out var found)) return found;
            var list = new List<int>();
            for (var i = 0; i + 8 <= seed.Length; i++)
            {
                var v = BinaryPrimitives.ReadUInt64LittleEndian(seed.AsSpan(i));
                if (v is > 0 and < 1 << 20 && (i == 0 || seed[i - 1] != 0 || i < 24)) list.Add(i);
            }
            return Cache[seed] = list;
        }
    }
}
