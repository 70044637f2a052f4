using Crayon.Adapters;
using Crayon.Formats.Gguf;
using Crayon.Llama;
using Crayon.Models;
using Crayon.Pool;
using Crayon.Tests.Blending;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Pool;

/// <summary>The pool artifact: a lossless round trip, a checksum that catches corruption, and clear errors for the wrong file or model.</summary>
public class AdapterPoolFileTests : TempFolderTest
{
    private static AdapterPoolArtifact Sample(int count = 3, int dimension = 5)
    {
        var adapters = new RandomAdapters(seed: 7).Pool(count, rank: 2, RandomAdapters.OddTargets, mixedAlphas: true);
        var random = new Random(11);
        var centroids = Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)random.NextDouble() - 0.5f).ToArray()).ToArray();
        return new AdapterPoolArtifact(adapters, centroids, EmbeddingSignal.Query, new PoolModel("stories260K", "llama", new string('a', 64)),
            Enumerable.Range(0, count).Select(i => $"cluster-{i}").ToArray(), new Dictionary<string, string> { ["seed"] = "42", ["epochs"] = "2" });
    }

    [Test]
    public void RoundTripKeepsEveryFactorCentroidAndField()
    {
        var pool = Sample();
        AdapterPoolFile.Write(pool, PathIn("p.gguf"));
        var back = AdapterPoolFile.Read(PathIn("p.gguf"));

        Assert.That(back.Count, Is.EqualTo(pool.Count));
        Assert.That(back.Signal, Is.EqualTo(EmbeddingSignal.Query));
        Assert.That(back.Model, Is.EqualTo(pool.Model));
        Assert.That(back.AdapterNames, Is.EqualTo(pool.AdapterNames));
        Assert.That(back.Provenance, Is.EquivalentTo(pool.Provenance));
        Assert.That(back.Centroids, Is.EqualTo(pool.Centroids));
        for (var i = 0; i < pool.Count; i++)
        {
            var (a, b) = (pool.Adapters.Adapters[i], back.Adapters.Adapters[i]);
            Assert.That(b.Alpha, Is.EqualTo(a.Alpha), $"adapter {i} alpha");
            for (var p = 0; p < a.Pairs.Count; p++)
            {
                Assert.That(b.Pairs[p].Target, Is.EqualTo(a.Pairs[p].Target));
                Assert.That(b.Pairs[p].A.Data, Is.EqualTo(a.Pairs[p].A.Data));
                Assert.That(b.Pairs[p].B.Data, Is.EqualTo(a.Pairs[p].B.Data));
            }
        }
        Assert.That(GgufReader.Read(PathIn("p.gguf")).Metadata["crayon.pool.target_modules"].AsStringArray(),
            Is.EqualTo(new[] { "attn_q", "ffn_down", "attn_v" }));
    }

    [Test]
    public void TheSamePoolWritesTheSameBytes()
    {
        AdapterPoolFile.Write(Sample(), PathIn("a.gguf"));
        AdapterPoolFile.Write(Sample(), PathIn("b.gguf"));
        Assert.That(File.ReadAllBytes(PathIn("b.gguf")), Is.EqualTo(File.ReadAllBytes(PathIn("a.gguf"))));
    }

    [Test]
    public void AFlippedBitInTheTensorDataIsCaughtByTheChecksum()
    {
        AdapterPoolFile.Write(Sample(), PathIn("p.gguf"));
        var bytes = File.ReadAllBytes(PathIn("p.gguf"));
        bytes[^40] ^= 0x10; // inside the centroids, the last tensor
        File.WriteAllBytes(PathIn("p.gguf"), bytes);
        var error = Assert.Throws<GgufFormatException>(() => AdapterPoolFile.Read(PathIn("p.gguf")))!;
        Assert.That(error.Message, Does.Contain("crayon.pool.sha256").And.Contain("corrupted").And.Contain("p.gguf"));
    }

    [Test]
    public void AnAdapterFileIsNotAPool()
    {
        LoraAdapterGguf.WriteFile(Sample().Adapters.Adapters[0], PathIn("a.gguf"));
        var error = Assert.Throws<GgufFormatException>(() => AdapterPoolFile.Read(PathIn("a.gguf")))!;
        Assert.That(error.Message, Does.Contain("general.type").And.Contain("not a Crayon pool"));
    }

    [Test]
    public void ANewerFormatVersionIsRefusedByNumber()
    {
        AdapterPoolFile.Write(Sample(), PathIn("p.gguf"));
        var file = GgufReader.Read(PathIn("p.gguf"));
        file.Metadata.Set("crayon.pool.version", GgufValue.U32(99));
        GgufWriter.WriteFile(PathIn("v99.gguf"), file);
        var error = Assert.Throws<GgufFormatException>(() => AdapterPoolFile.Read(PathIn("v99.gguf")))!;
        Assert.That(error.Message, Does.Contain("is 99").And.Contain($"pool format {AdapterPoolFile.FormatVersion}"));
    }

    [Test]
    public void AChangedModelFingerprintOrProvenanceIsCaughtByTheChecksum()
    {
        AdapterPoolFile.Write(Sample(), PathIn("p.gguf"));
        var original = File.ReadAllBytes(PathIn("p.gguf"));
        // One byte of a metadata string: the fingerprint the pool was built for, and a provenance value (after its key,
        // the value's type (u32) and length (u64)).
        var fingerprint = IndexOf(original, System.Text.Encoding.UTF8.GetBytes(new string('a', 64)));
        var seedKey = System.Text.Encoding.UTF8.GetBytes("crayon.pool.build.seed");
        var seed = IndexOf(original, seedKey) + seedKey.Length + 4 + 8;
        Assert.That(original[seed], Is.EqualTo((byte)'4'), "the provenance value \"42\" was found");
        foreach (var (at, name) in new[] { (fingerprint, "fingerprint"), (seed, "provenance seed") })
        {
            var bytes = (byte[])original.Clone();
            bytes[at] ^= 0x01;
            File.WriteAllBytes(PathIn("m.gguf"), bytes);
            var error = Assert.Throws<GgufFormatException>(() => AdapterPoolFile.Read(PathIn("m.gguf")), name)!;
            Assert.That(error.Message, Does.Contain("crayon.pool.sha256").And.Contain("corrupted"), name);
        }
    }

    [Test]
    public void PoolsOfFormatsWithoutAWholeFileChecksumAreRefusedWithARebuildHint()
    {
        AdapterPoolFile.Write(Sample(), PathIn("p.gguf"));
        var file = GgufReader.Read(PathIn("p.gguf"));
        file.Metadata.Set("crayon.pool.version", GgufValue.U32(2));
        GgufWriter.WriteFile(PathIn("v2.gguf"), file);
        var error = Assert.Throws<GgufFormatException>(() => AdapterPoolFile.Read(PathIn("v2.gguf")))!;
        Assert.That(error.Message, Does.Contain("v2.gguf").And.Contain("is 2").And.Contain("rebuild"));
    }

    private static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }

    [Test]
    public void APoolBuiltForAnotherModelIsRefusedWithBothNames()
    {
        var pool = Sample();
        var other = new PoolModel("smollm", "llama", new string('b', 64));
        var error = Assert.Throws<PoolMismatchException>(() => pool.EnsureBuiltFor(other, "p.gguf"))!;
        Assert.That(error.Message, Does.Contain("stories260K").And.Contain("smollm").And.Contain("rebuild"));
        Assert.DoesNotThrow(() => pool.EnsureBuiltFor(pool.Model));
    }

    [Test]
    public void EveryMutatedPoolFileIsRejectedCleanlyOrMeansExactlyWhatTheOriginalMeant()
    {
        AdapterPoolFile.Write(Sample(count: 2, dimension: 3), PathIn("p.gguf"));
        var original = File.ReadAllBytes(PathIn("p.gguf"));
        var random = new Random(20261121);
        var accepted = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var bytes = (byte[])original.Clone();
            var flips = random.Next(1, 4);
            var at = new List<int>();
            for (var f = 0; f < flips; f++)
            {
                at.Add(random.Next(bytes.Length));
                bytes[at[^1]] ^= (byte)(1 << random.Next(8));
            }
            File.WriteAllBytes(PathIn("m.gguf"), bytes);
            AdapterPoolArtifact read;
            try
            {
                read = AdapterPoolFile.Read(PathIn("m.gguf"));
            }
            catch (Crayon.Formats.FileFormatException e)
            {
                Assert.That(e.Message, Does.Contain("m.gguf"), $"mutation {i}");
                continue;
            }
            // Accepted: only bytes without meaning (padding) changed, so the pool read writes the original file again.
            AdapterPoolFile.Write(read, PathIn("back.gguf"));
            if (!File.ReadAllBytes(PathIn("back.gguf")).AsSpan().SequenceEqual(original))
                accepted.Add($"mutation {i} at bytes {string.Join(", ", at)}");
        }
        // Anything but a format error (or a hang) fails the test, as does any accepted file that means something else.
        Assert.That(accepted, Is.Empty, "mutated pool files accepted with a changed meaning");
    }
}
