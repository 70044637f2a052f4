using Crayon.Training;

namespace Crayon.Pool.Building;

/// <summary>The stages of a pool build, in order.</summary>
public enum PoolBuildPhase
{
    Embedding,
    Clustering,
    Training,
    Writing,
}

/// <summary>Reported as a pool build advances.</summary>
/// <param name="Done">Units finished in this phase: examples embedded, adapters trained (0 or 1 for the others).</param>
/// <param name="Total">Units of the phase.</param>
/// <param name="Adapter">The adapter in training (Training phase).</param>
/// <param name="Step">The adapter's latest optimizer step (Training phase, while it trains).</param>
/// <param name="Resumed">True when the adapter came from the work folder of an interrupted build.</param>
public readonly record struct PoolBuildProgress(PoolBuildPhase Phase, int Done, int Total, int? Adapter = null, TrainingProgress? Step = null, bool Resumed = false);
