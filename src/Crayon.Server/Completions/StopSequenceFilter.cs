using System.Text;

namespace Crayon.Server.Completions;

/// <summary>
/// Cuts generated text at the first stop sequence. Text is released as soon as it cannot be the start
/// of a stop sequence; a tail that might be (e.g. "\n" when "\n\n" stops) is held back until the next
/// piece decides it, so a streamed answer never shows a stop sequence or part of one.
/// </summary>
public sealed class StopSequenceFilter(IReadOnlyList<string> stops)
{
    private readonly StringBuilder _held = new();

    /// <summary>True once a stop sequence was found; nothing more is released.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds a piece; returns the text that is now certain to be part of the answer.</summary>
    public string Push(string piece)
    {
        if (Stopped) return "";
        _held.Append(piece);
        if (stops.Count == 0) return Release(_held.Length);
        var text = _held.ToString();
        var cut = -1;
        foreach (var stop in stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at >= 0 && (cut < 0 || at < cut)) cut = at;
        }
        if (cut >= 0)
        {
            Stopped = true;
            _held.Clear();
            return text[..cut];
        }
        var keep = 0;
        foreach (var stop in stops)
            for (var k = Math.Min(stop.Length - 1, text.Length); k > keep; k--)
                if (text.AsSpan(text.Length - k).SequenceEqual(stop.AsSpan(0, k))) { keep = k; break; }
        return Release(text.Length - keep);
    }

    /// <summary>At the end of generation: whatever was held back belongs to the answer after all.</summary>
    public string Flush() => Stopped ? "" : Release(_held.Length);

    private string Release(int length)
    {
        var released = _held.ToString(0, length);
        _held.Remove(0, length);
        return released;
    }
}
