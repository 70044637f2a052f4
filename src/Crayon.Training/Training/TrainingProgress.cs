namespace Crayon.Training;

/// <summary>Reported after every optimizer step (one window).</summary>
/// <param name="Epoch">0-based epoch.</param>
/// <param name="Step">Steps done so far, this one included.</param>
/// <param name="Loss">Mean next-token cross-entropy over the window's positions, before this step's update.</param>
/// <param name="Accuracy">Share of the window's positions whose most likely token was the label.</param>
public readonly record struct TrainingProgress(int Epoch, int Epochs, long Step, long TotalSteps, double Loss, double Accuracy, float LearningRate, TimeSpan Elapsed);
