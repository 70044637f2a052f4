using Crayon.Formats.Safetensors;
using NUnit.Framework;

namespace Crayon.Tests.Formats.Safetensors;

/// <summary>Seeded mutations of small valid safetensors files: each parses or throws SafetensorsFormatException.</summary>
public class SafetensorsFuzzTests
{
    private const int Mutations = 10_000;

    [Test]
    public void TenThousandSeededMutationsEitherParseOrFailWithAFormatError()
    {
        var seeds = new[]
        {
            new SafetensorsBuilder().Metadata("format", "pt")
                .F32("layers.0.q_proj.lora_A.weight", [2, 3], [1, 2, 3, 4, 5, 6])
                .F32("layers.0.q_proj.lora_B.weight", [3, 2], [6, 5, 4, 3, 2, 1]).Build(),
            new SafetensorsBuilder().Raw("h", "F16", [2, 2], new byte[8]).Raw("b", "BF16", [4], new byte[8])
                .Raw("flag", "BOOL", [3], [1, 0, 1]).Raw("empty", "I64", [0], []).Build(),
        };
        var random = new Random(7_031);
        var failures = new List<string>();
        int parsed = 0, rejected = 0;
        for (var i = 0; i < Mutations && failures.Count < 5; i++)
        {
            var (bytes, how) = Mutator.Mutate(seeds[i % seeds.Length], random);
            try
            {
                var file = SafetensorsReader.Read(bytes, "fuzz");
                foreach (var t in file.Tensors)
                    if (t.Dtype is SafetensorsDtype.F32 or SafetensorsDtype.F16 or SafetensorsDtype.BF16)
                        Assert.That(t.ToFloat32(), Has.Length.EqualTo(t.ElementCount));
                parsed++;
            }
            catch (SafetensorsFormatException e)
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
        Assert.That(rejected, Is.GreaterThan(Mutations / 4));
        Assert.That(parsed, Is.GreaterThan(Mutations / 50));
        TestContext.Out.WriteLine($"{parsed} parsed, {rejected} rejected with SafetensorsFormatException");
    }
}
