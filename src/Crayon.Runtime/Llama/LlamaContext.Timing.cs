using System.Diagnostics;
using System.Numerics.Tensors;

namespace Crayon.Llama;

public sealed partial class LlamaContext
{
    /// <summary>
    /// For decode benchmarks: decodes <paramref name="prompt"/> on a fresh cache, then <paramref name="steps"/> tokens one
    /// at a time, each the argmax of the previous logits (greedy; end-of-generation tokens do not stop it, so every run
    /// decodes the same number of tokens). Returns the wall time of every step (argmax and llama_decode) in microseconds.
    /// </summary>
    internal double[] TimeGreedySteps(int[] prompt, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfZero(prompt.Length);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        using var _ = Enter();
        ClearMemory();
        if (Position + prompt.Length + steps > ContextLength)
            throw new PromptTooLongException(prompt.Length + steps, ContextLength, "prompt and decoded tokens");
        DecodeTokens(prompt, i => i == prompt.Length - 1);
        var times = new double[steps];
        var next = new int[1];
        for (var s = 0; s < steps; s++)
        {
            var started = Stopwatch.GetTimestamp();
            next[0] = TensorPrimitives.IndexOfMax(LogitsAt(-1));
            DecodeTokens(next, _ => true);
            times[s] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }
        return times;
    }
}
