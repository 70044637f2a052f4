using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>
/// Owns a ggml_opt_dataset of token windows for llama_opt_epoch: datapoint i is a window of input tokens,
/// label i the next token at every position (I32, both held in CPU memory).
/// </summary>
internal sealed unsafe class SafeGgmlOptDatasetHandle : SafeHandle
{
    public SafeGgmlOptDatasetHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public int WindowLength { get; private init; }
    public int WindowCount { get; private init; }

    public static SafeGgmlOptDatasetHandle CreateTokenWindows(int windowLength, int windowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(windowCount);
        var dataset = GgmlOptApi.ggml_opt_dataset_init(GgmlOptApi.TypeI32, GgmlOptApi.TypeI32, windowLength, windowLength, windowCount, ndataShard: 1);
        if (dataset == IntPtr.Zero) throw new LlamaNativeException($"ggml could not allocate a dataset of {windowCount} windows of {windowLength} tokens");
        var result = new SafeGgmlOptDatasetHandle { WindowLength = windowLength, WindowCount = windowCount };
        result.SetHandle(dataset);
        return result;
    }

    /// <summary>
    /// Stores window <paramref name="index"/>. Labels are checked here because llama.cpp turns each into
    /// a one-hot write at that offset without a lower bound check: a negative label corrupts memory.
    /// </summary>
    public void SetWindow(int index, ReadOnlySpan<int> tokens, ReadOnlySpan<int> labels, int vocabularySize)
    {
        ObjectDisposedException.ThrowIf(IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, WindowCount);
        if (tokens.Length != WindowLength || labels.Length != WindowLength)
            throw new ArgumentException($"a window holds {WindowLength} tokens and labels; got {tokens.Length} and {labels.Length}");
        for (var i = 0; i < WindowLength; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabularySize) throw new ArgumentOutOfRangeException(nameof(tokens), tokens[i], $"token at {i} is outside the vocabulary of {vocabularySize}");
            if ((uint)labels[i] >= (uint)vocabularySize) throw new ArgumentOutOfRangeException(nameof(labels), labels[i], $"label at {i} is outside the vocabulary of {vocabularySize}");
        }
        var offset = (long)index * WindowLength;
        tokens.CopyTo(new Span<int>((int*)GgmlOptApi.ggml_opt_dataset_data(this)->data + offset, WindowLength));
        labels.CopyTo(new Span<int>((int*)GgmlOptApi.ggml_opt_dataset_labels(this)->data + offset, WindowLength));
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        GgmlOptApi.ggml_opt_dataset_free(handle);
        return true;
    }
}
