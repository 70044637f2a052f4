using System.Text;
using Crayon.Tasks;
using Crayon.Tests.Formats;
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

    [Test]
    public void MutatedFilesFailOnlyWithQaFormatException()
    {
        Prop.ForAll(TextMutations.Edits(Valid.Length, 8), edits => Parses(TextMutations.Apply(Valid, edits))).Check(Config.QuickThrowOnFailure.WithMaxTest(400));
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
