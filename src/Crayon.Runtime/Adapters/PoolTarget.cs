namespace Crayon.Adapters;

/// <summary>One target of a pool: its name and the shapes of its factors (A is rank × in, B is out × rank).</summary>
public sealed record PoolTarget(string Name, int Rank, int InFeatures, int OutFeatures)
{
    public long ElementsA => (long)Rank * InFeatures;
    public long ElementsB => (long)OutFeatures * Rank;
}
