using System.Text;
using Crayon.Tasks;
using FsCheck;
using FsCheck.Fluent;
using NUnit.Framework;

namespace Crayon.Tests.Tasks;

/// <summary>Mutated QA files must either parse or fail with a QaFormatException, never anything else.</summary>
public class QaJsonlReaderFuzzTests
{
    private static readonly byte[] Valid = Encoding.UTF8.GetBytes(string.Join("\n",
        TempJsonl.Line("a", context: "some \u00e9 context"), TempJsonl.Line("b", answer: 2),
        """{"id": "c", "task": "demo", "question": "x\ny \"q\"", "choices": ["\u00fc", "two"], "answer": 1, "extra": [1, {"k": null}]}""") + "\n");

    private const string JsonPunctuation = "{}[],:\"\\\n0e-";

    [Test]
    public void MutatedFilesFailOnlyWithQaFormatException()
    {
        var mutation = Gen.Choose(0, 3).Zip(Gen.Choose(0, Valid.Length - 1)).Zip(Gen.Choose(0, 255));
        var mutations = Gen.ListOf(mutation, 1).Select(l => l.Take(8).ToArray()).Where(l => l.Length > 0);
        Prop.ForAll(mutations.ToArbitrary(), edits =>
        {
            var bytes = Valid.ToList();
            foreach (var ((kind, position), value) in edits)
            {
                var at = Math.Min(position, bytes.Count - 1);
                switch (kind)
                {
                    case 0: bytes[at] = (byte)value; break;
                    case 1: bytes.Insert(at, (byte)value); break;
                    case 2: if (bytes.Count > 1) bytes.RemoveAt(at); break;
                    default: bytes.Insert(at, (byte)JsonPunctuation[value % JsonPunctuation.Length]); break;
                }
            }
            return Parses(bytes.ToArray());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
    }

    [Test]
    public void RandomBytesFailOnlyWithQaFormatException()
    {
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), Parses).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
    }

    private static bool Parses(byte[] bytes)
    {
        try
        {
            var items = QaJsonlReader.Read(new MemoryStream(bytes), "fuzz", new QaReaderLimits { MaxLineBytes = 512 });
            return items.All(i => i.Choices.Count >= 2 && i.Answer >= 0 && i.Answer < i.Choices.Count);
        }
        catch (QaFormatException e)
        {
            return e.Message.StartsWith("fuzz: ", StringComparison.Ordinal);
        }
    }
}
