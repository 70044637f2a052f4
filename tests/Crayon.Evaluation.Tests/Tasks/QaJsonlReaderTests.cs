using System.Text;
using Crayon.Tasks;
using NUnit.Framework;

namespace Crayon.Tests.Tasks;

public class QaJsonlReaderTests
{
    [Test]
    public void ReadsItemsWithContextBlankLinesCrlfAndBom()
    {
        using var temp = new TempJsonl();
        var content = "\uFEFF" + TempJsonl.Line("x1", context: "ctx") + "\r\n\r\n" + TempJsonl.Line("x2", answer: 2) + "\n";
        var items = QaJsonlReader.ReadFile(temp.Write("ok.jsonl", content), expectedTask: "demo");

        Assert.That(items.Select(i => i.Id), Is.EqualTo(new[] { "x1", "x2" }));
        Assert.That(items[0].Context, Is.EqualTo("ctx"));
        Assert.That(items[1].Context, Is.Null);
        Assert.That(items[1].Answer, Is.EqualTo(2));
        Assert.That(items[1].AnswerText, Is.EqualTo("c"));
    }

    [Test]
    public void ReportsEveryBadLineWithFileAndLineNumber()
    {
        using var temp = new TempJsonl();
        var lines = new List<byte[]>
        {
            Utf8(TempJsonl.Line("ok1")),
            Utf8("""{"id": "a", "task": "demo", "question": "q", "choices": ["a", "b"], "answer": 0"""), // 2: truncated JSON
            Utf8("""{"id": 7, "task": "demo", "question": "q", "choices": ["a", "b"], "answer": 0}"""), // 3: id is a number
            Utf8("""{"id": "c", "task": "demo", "choices": ["a", "b"], "answer": 0}"""), // 4: no question
            Utf8("""{"id": "d", "task": "demo", "question": "q", "choices": ["a", "b"], "answer": 2}"""), // 5: answer out of range
            Utf8("""{"id": "e", "task": "demo", "question": "q", "choices": ["a"], "answer": 0}"""), // 6: one choice
            WithInvalidUtf8("""{"id": "f", "task": "demo", "question": "q@", "choices": ["a", "b"], "answer": 0}"""), // 7: bad UTF-8
            Utf8(TempJsonl.Line("ok1")), // 8: duplicate id
            Utf8("""{"id": "g", "task": "demo", "question": "q", "choices": ["a", "b"], "answer": 1.5}"""), // 9: fractional answer
            Utf8("""["not", "an", "object"]"""), // 10
            Utf8("""{"id": "h", "id": "h2", "task": "demo", "question": "q", "choices": ["a", "b"], "answer": 0}"""), // 11: duplicate field
        };
        var path = temp.WriteBytes("bad.jsonl", lines.SelectMany(l => l.Append((byte)'\n')).ToArray());

        var error = Assert.Throws<QaFormatException>(() => QaJsonlReader.ReadFile(path, new QaReaderLimits { MaxReportedErrors = 20 }))!;

        Assert.That(error.LineErrors.Select(e => e.Line), Is.EqualTo(new long[] { 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 }));
        Assert.That(error.Message, Does.StartWith(path));
        Assert.That(error.Message, Does.Contain("line 2: malformed JSON"));
        Assert.That(error.Message, Does.Contain("line 3: field 'id' must be a string, found a number"));
        Assert.That(error.Message, Does.Contain("line 4: missing field 'question'"));
        Assert.That(error.Message, Does.Contain("line 5: field 'answer' is 2, outside the 2 choices"));
        Assert.That(error.Message, Does.Contain("line 6: field 'choices' has 1 entry"));
        Assert.That(error.Message, Does.Contain("line 7: invalid UTF-8 at byte 43"));
        Assert.That(error.Message, Does.Contain("line 8: id 'ok1' already used on line 1"));
        Assert.That(error.Message, Does.Contain("line 9: field 'answer' must be an integer index, found 1.5"));
        Assert.That(error.Message, Does.Contain("line 10: expected a JSON object, found an array"));
        Assert.That(error.Message, Does.Contain("line 11: field 'id' appears twice"));
        Assert.That(error.MoreErrorsOmitted, Is.False);
    }

    [Test]
    public void StopsAfterTheErrorLimitAndSaysMoreMayFollow()
    {
        var content = string.Join("\n", Enumerable.Range(0, 15).Select(i => "{broken " + i));
        var error = Assert.Throws<QaFormatException>(() => Read(content, new QaReaderLimits { MaxReportedErrors = 10 }))!;

        Assert.That(error.LineErrors, Has.Count.EqualTo(10));
        Assert.That(error.LineErrors[^1].Line, Is.EqualTo(10));
        Assert.That(error.MoreErrorsOmitted, Is.True);
        Assert.That(error.Message, Does.Contain("further lines not checked"));
    }

    [TestCase("")]
    [TestCase("\n  \n\r\n")]
    public void AFileWithoutItemsIsAnError(string content)
    {
        var error = Assert.Throws<QaFormatException>(() => Read(content))!;
        Assert.That(error.Message, Is.EqualTo("mem.jsonl: the file holds no items"));
    }

    [Test]
    public void AnOversizedFileIsRefusedBeforeParsing()
    {
        using var temp = new TempJsonl();
        var path = temp.Write("big.jsonl", string.Join("\n", Enumerable.Range(0, 50).Select(i => TempJsonl.Line("i" + i))));
        var error = Assert.Throws<QaFormatException>(() => QaJsonlReader.ReadFile(path, new QaReaderLimits { MaxFileBytes = 1000 }))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("over the limit of 1,000"));
    }

    [Test]
    public void AnEndlessStreamIsCutOffAtTheByteLimit()
    {
        var error = Assert.Throws<QaFormatException>(() =>
            QaJsonlReader.Read(new EndlessStream(), "endless", new QaReaderLimits { MaxFileBytes = 4 << 20, MaxLineBytes = 1 << 10 }))!;
        Assert.That(error.Message, Does.Contain("larger than the limit of 4,194,304 bytes"));
    }

    [Test]
    public void AnOversizedLineIsReportedWithoutStoppingTheOthers()
    {
        var content = TempJsonl.Line("a") + "\n" + new string('x', 5000) + "\n" + TempJsonl.Line("b") + "\n{bad\n";
        var error = Assert.Throws<QaFormatException>(() => Read(content, new QaReaderLimits { MaxLineBytes = 1000 }))!;
        Assert.That(error.LineErrors.Select(e => e.ToString()), Is.EqualTo(new[]
        {
            "line 2: the line has 5,000 bytes, over the limit of 1,000",
            error.LineErrors[1].ToString(),
        }));
        Assert.That(error.LineErrors[1].Line, Is.EqualTo(4));
    }

    [Test]
    public void TooManyItemsAbortTheRead()
    {
        var content = string.Join("\n", Enumerable.Range(0, 5).Select(i => TempJsonl.Line("i" + i)));
        var error = Assert.Throws<QaFormatException>(() => Read(content, new QaReaderLimits { MaxItems = 3 }))!;
        Assert.That(error.Message, Does.Contain("more than 3 items").And.Contain("line 4"));
    }

    [Test]
    public void ItemsOfAnotherTaskAreRejected()
    {
        var error = Assert.Throws<QaFormatException>(() =>
            QaJsonlReader.Read(new MemoryStream(Utf8(TempJsonl.Line("a", task: "siqa"))), "mem.jsonl", expectedTask: "csqa"))!;
        Assert.That(error.LineErrors.Single().Problem, Is.EqualTo("task is 'siqa', expected 'csqa'"));
    }

    [Test]
    public void AnUnpairedSurrogateEscapeIsABadLineNotACrash()
    {
        var line = """{"id": "a", "task": "demo", "question": "bad \ud800 text", "choices": ["a", "b"], "answer": 0}""";
        var error = Assert.Throws<QaFormatException>(() => Read(line))!;
        Assert.That(error.LineErrors.Single().Line, Is.EqualTo(1));
    }

    [Test]
    public void NewlinesAndRepeatedChoicesInsideFieldsSurvive()
    {
        var line = """{"id": "a", "task": "demo", "question": "x\ny", "choices": ["same", "same", "other"], "answer": 1}""";
        var item = Read(line).Single();
        Assert.That(item.Question, Is.EqualTo("x\ny"));
        Assert.That(item.Choices, Is.EqualTo(new[] { "same", "same", "other" }));
        Assert.That(item.Answer, Is.EqualTo(1));
    }

    [Test]
    public void AMissingFileIsNamed()
    {
        var path = Path.Combine(Path.GetTempPath(), "crayon-no-such-" + Guid.NewGuid().ToString("N") + ".jsonl");
        var error = Assert.Throws<FileNotFoundException>(() => QaJsonlReader.ReadFile(path))!;
        Assert.That(error.Message, Does.Contain(path));
    }

    [Test]
    public void BadLimitsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Read(TempJsonl.Line("a"), new QaReaderLimits { MaxLineBytes = 0 }));
    }

    private static IReadOnlyList<QaItem> Read(string content, QaReaderLimits? limits = null) =>
        QaJsonlReader.Read(new MemoryStream(Utf8(content)), "mem.jsonl", limits);

    private static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    // '@' becomes 0xC3 0x28: a lead byte followed by a byte that cannot continue it.
    private static byte[] WithInvalidUtf8(string s) => Utf8(s).SelectMany(b => b == (byte)'@' ? new byte[] { 0xC3, 0x28 } : [b]).ToArray();

    /// <summary>A stream that never ends and has no length, like a hostile upload.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) { buffer.AsSpan(offset, count).Fill((byte)'a'); return count; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
