namespace Crayon.Training;

/// <summary>
/// Lays token sequences into fixed training windows. A window stream holds window + 1 tokens: the
/// first window tokens are the inputs and every input's label is the token after it, so each
/// sequence keeps all of its own next-token pairs. Sequences never straddle windows.
/// </summary>
internal static class WindowPacker
{
    // First fit looks back over this many open windows only, which keeps packing linear in the data
    // while leaving little room unused (sequences are short next to a window).
    private const int OpenWindowsScanned = 64;

    /// <summary>The sequence indices of each window, visiting sequences in <paramref name="order"/>.</summary>
    public static List<List<int>> Pack(IReadOnlyList<int[]> sequences, ReadOnlySpan<int> order, int windowLength, WindowPacking packing)
    {
        var streamLength = windowLength + 1;
        var windows = new List<List<int>>();
        var free = new List<int>();   // room left in each window
        var open = new List<int>();   // windows that may still take a sequence, oldest first
        foreach (var index in order)
        {
            var length = sequences[index].Length;
            if (length > streamLength) throw new ArgumentException($"sequence {index} has {length} tokens, more than a window stream of {streamLength}");
            var slot = -1;   // position in open
            if (packing == WindowPacking.Packed)
            {
                for (var k = Math.Max(0, open.Count - OpenWindowsScanned); k < open.Count; k++)
                    if (free[open[k]] >= length) { slot = k; break; }
            }
            if (slot < 0)
            {
                windows.Add([]);
                free.Add(streamLength);
                open.Add(windows.Count - 1);
                slot = open.Count - 1;
            }
            var target = open[slot];
            windows[target].Add(index);
            free[target] -= length;
            if (free[target] < 2 || packing == WindowPacking.OnePerWindow) open.RemoveAt(slot);
        }
        return windows;
    }

    /// <summary>Writes one window's inputs and labels; positions past its sequences hold <paramref name="pad"/>.</summary>
    public static void Fill(IReadOnlyList<int[]> sequences, List<int> window, int pad, Span<int> tokens, Span<int> labels)
    {
        var stream = new int[tokens.Length + 1];
        var at = 0;
        foreach (var index in window)
        {
            sequences[index].CopyTo(stream.AsSpan(at));
            at += sequences[index].Length;
        }
        stream.AsSpan(at).Fill(pad);
        stream.AsSpan(0, tokens.Length).CopyTo(tokens);
        stream.AsSpan(1).CopyTo(labels);
    }

    /// <summary>Stream positions holding text rather than padding.</summary>
    public static int Used(IReadOnlyList<int[]> sequences, List<int> window) => window.Sum(i => sequences[i].Length);
}
