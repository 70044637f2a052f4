namespace Crayon.Training;

/// <summary>How a training run went.</summary>
/// <param name="Texts">Training texts.</param>
/// <param name="TruncatedTexts">Texts longer than a window, cut from the left (their end kept).</param>
/// <param name="TextTokens">Tokens of all texts, BOS and EOS included (one epoch).</param>
/// <param name="Steps">Optimizer steps (windows) over all epochs.</param>
/// <param name="EpochLosses">Mean window loss of each epoch (each window measured just before its update).</param>
/// <param name="PaddingShare">Share of window positions that held padding rather than text.</param>
/// <param name="TrainingTime">Wall time of the training loop (not loading or tokenizing).</param>
/// <param name="ProcessorTime">CPU time the process used during the loop: less sensitive than wall time to other load on the machine.</param>
public sealed record TrainingStatistics(int Texts, int TruncatedTexts, long TextTokens, long Steps, IReadOnlyList<double> EpochLosses,
    double PaddingShare, TimeSpan TrainingTime, TimeSpan ProcessorTime)
{
    public TimeSpan TimePerEpoch => TrainingTime / Math.Max(1, EpochLosses.Count);
}
