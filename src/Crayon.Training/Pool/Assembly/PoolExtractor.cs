using System.Globalization;
using Crayon.Adapters;

namespace Crayon.Pool.Assembly;

/// <summary>
/// One adapter of a pool written back out as a LoRA GGUF. An adapter that came into the pool as a GGUF file
/// (<see cref="PoolAssembler"/>) comes out byte for byte as it went in (its sha256 is checked against the recorded one);
/// any other (trained by `crayon pool build`, imported from PEFT) is written by Crayon's GGUF writer as F32.
/// </summary>
public static class PoolExtractor
{
    /// <summary>The index of <paramref name="nameOrIndex"/>: an adapter's name, else its 0-based index.</summary>
    public static int Find(AdapterPoolArtifact pool, string nameOrIndex)
    {
        ArgumentNullException.ThrowIfNull(pool);
        var byName = pool.AdapterNames.ToList().IndexOf(nameOrIndex);
        if (byName >= 0) return byName;
        if (int.TryParse(nameOrIndex, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < pool.Count) return index;
        throw new ArgumentException($"the pool has no adapter '{nameOrIndex}'; its adapters are {string.Join(", ", pool.AdapterNames.Select((n, i) => $"{i} '{n}'"))}");
    }

    /// <summary>The GGUF bytes of adapter <paramref name="index"/>, and whether they are the original file's.</summary>
    public static (byte[] Bytes, bool Original) Extract(AdapterPoolArtifact pool, int index)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, pool.Count);
        var adapter = pool.Adapters.Adapters[index];
        var key = $"{PoolAssembler.ProvenancePrefix}{index}";
        if (!pool.Provenance.TryGetValue($"{key}.gguf_header", out var header)) return (LoraAdapterGguf.ToBytes(adapter), false);
        var length = long.Parse(pool.Provenance[$"{key}.gguf_length"], CultureInfo.InvariantCulture);
        var bytes = new GgufSourceImage(Convert.FromBase64String(header), length).Rebuild(adapter, pool.AdapterNames[index]);
        var expected = pool.Provenance[$"{key}.sha256"];
        if (GgufSourceImage.Sha256(bytes) != expected)
            throw new InvalidDataException($"adapter {index} '{pool.AdapterNames[index]}' rebuilds to a file whose sha256 is not the recorded {expected} (was the pool stored below F32?)");
        return (bytes, true);
    }
}
