namespace Crayon.Blending;

/// <summary>
/// A part of a blend image that is complete (see the landing overload of
/// <see cref="ResidentPool.BlendInto(ReadOnlySpan{float}, BlendRecipe, int?, Span{byte}, BlendImageLayout, Action{LandedChunk}, long)"/>):
/// whole tensors, consecutive in the image. The image is read back in chunks of whole tensors in ascending offset; one
/// report covers every chunk that became complete since the previous report (several when they landed while the previous
/// callback ran). Every tensor is reported exactly once.
/// </summary>
/// <param name="FirstChunk">The first chunk this report covers (0-based, in landing order).</param>
/// <param name="Chunks">Chunks this report covers: <paramref name="FirstChunk"/> .. <paramref name="FirstChunk"/> + <paramref name="Chunks"/> - 1.</param>
/// <param name="ChunkCount">Chunks of this blend.</param>
/// <param name="Offset">Byte offset in the image of the report's first tensor.</param>
/// <param name="Bytes">From the first tensor's start to the last one's end; gaps between tensors hold what they held before.</param>
/// <param name="Tensors">The tensors complete with this report (pool order indices: A then B of each target), in image order.</param>
public readonly record struct LandedChunk(int FirstChunk, int Chunks, int ChunkCount, long Offset, long Bytes, IReadOnlyList<int> Tensors);
