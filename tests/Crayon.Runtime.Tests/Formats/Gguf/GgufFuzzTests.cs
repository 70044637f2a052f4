using Crayon.Formats.Gguf;
using NUnit.Framework;

namespace Crayon.Tests.Formats.Gguf;

/// <summary>
/// Seeded mutations of small valid GGUF files (bit flips, byte sets, truncations, insertions, deletions
/// and inflated length fields): each must either parse or throw GgufFormatException. Whatever parses
/// must also survive being written back and read again.
/// </summary>
public class GgufFuzzTests
{
    private const int Mutations = 10_000;

    [Test]
    public void TenThousandSeededMutationsEitherParseOrFailWithAFormatError()
    {
        var seeds = new[]
        {
            GgufWriter.ToBytes(SampleGguf.Create()),
            GgufWriter.ToBytes(SampleGguf.Create(alignment: 64, seed: 2)),
            GgufWriter.ToBytes(SmallModelLike()),
        };
        var random = new Random(20_240_611);
        var failures = new List<string>();
        int parsed = 0, rejected = 0;
        for (var i = 0; i < Mutations && failures.Count < 5; i++)
        {
            var seed = seeds[i % seeds.Length];
            var (bytes, how) = Mutator.Mutate(seed, random);
            try
            {
                var file = i % 7 == 0 ? GgufReader.Read(new MemoryStream(bytes), "fuzz") : GgufReader.Read(bytes, "fuzz");
                GgufAssert.Equal(GgufReader.Read(GgufWriter.ToBytes(file)), file);
                parsed++;
            }
            catch (GgufFormatException e)
            {
                Assert.That(e.Message, Does.StartWith("fuzz: "));
                rejected++;
            }
            catch (Exception e)
            {
                failures.Add($"mutation {i} ({how}): {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.That(failures, Is.Empty);
        Assert.That(parsed + rejected, Is.EqualTo(Mutations));
        Assert.That(rejected, Is.GreaterThan(Mutations / 4), "the mutations must reach the validation, not only tensor bytes");
        Assert.That(parsed, Is.GreaterThan(Mutations / 20), "some mutations (tensor data, values) leave a valid file");
        TestContext.Out.WriteLine($"{parsed} parsed, {rejected} rejected with GgufFormatException");
    }

    private static GgufFile SmallModelLike()
    {
        var m = new GgufMetadata();
        m.Set(GgufKeys.Architecture, GgufValue.Str("llama"));
        m.Set(GgufKeys.Tokens, GgufValue.Array(["<unk>", "<s>", "</s>", "▁a", "b"]));
        m.Set(GgufKeys.Scores, GgufValue.Array([0f, 0f, 0f, -1f, -2f]));
        m.Set(GgufKeys.TokenType, GgufValue.Array([2, 3, 3, 1, 1]));
        var random = new Random(3);
        return new GgufFile(m,
        [
            GgufTensor.FromFloat32("token_embd.weight", [4, 5], SampleGguf.RandomFloats(random, 20), GgmlType.F16),
            GgufTensor.FromFloat32("blk.0.attn_q.weight.lora_a", [4, 2], SampleGguf.RandomFloats(random, 8)),
            GgufTensor.FromFloat32("blk.0.attn_q.weight.lora_b", [2, 4], SampleGguf.RandomFloats(random, 8)),
        ]);
    }
}
