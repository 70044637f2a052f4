namespace Crayon.Customization;

/// <summary>
/// The checks every embedding passes before it meets arithmetic: finite values and matching
/// dimensions, with messages that name the offending vector. A NaN that slipped through would turn
/// every alpha into NaN and blend garbage without a sound.
/// </summary>
internal static class EmbeddingChecks
{
    public static void RequireFinite(ReadOnlySpan<float> vector, string name)
    {
        for (var i = 0; i < vector.Length; i++)
            if (!float.IsFinite(vector[i]))
                throw new ArgumentException($"{name} element {i} is {vector[i]}; embeddings must be finite");
    }

    public static void RequireDimension(ReadOnlySpan<float> vector, int expected, string name, string expectedFrom)
    {
        if (vector.Length != expected)
            throw new ArgumentException($"{name} has dimension {vector.Length}, expected {expected} ({expectedFrom}); were they embedded by different models or signals?");
    }

    public static void RequireNonEmpty(ReadOnlySpan<float> vector, string name)
    {
        if (vector.Length == 0) throw new ArgumentException($"{name} is empty");
    }

    /// <summary>Checks a non-empty list of equally sized, finite vectors and returns their dimension.</summary>
    public static int RequireUniform(IReadOnlyList<float[]> vectors, string what)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        if (vectors.Count == 0) throw new ArgumentException($"no {what}s given");
        var dimension = -1;
        for (var i = 0; i < vectors.Count; i++)
        {
            var v = vectors[i] ?? throw new ArgumentException($"{what} {i} is null");
            RequireNonEmpty(v, $"{what} {i}");
            if (dimension < 0) dimension = v.Length;
            else RequireDimension(v, dimension, $"{what} {i}", $"that of {what} 0");
            RequireFinite(v, $"{what} {i}");
        }
        return dimension;
    }
}
