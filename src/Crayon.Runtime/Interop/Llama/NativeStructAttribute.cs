namespace Crayon.Interop.Llama;

/// <summary>
/// Marks a C# mirror of a C struct. Its field names are the C field names, so the layout test can
/// compare every offset (and, unless <see cref="Prefix"/>, the size) with the pinned headers.
/// </summary>
[AttributeUsage(AttributeTargets.Struct)]
internal sealed class NativeStructAttribute(string cName) : Attribute
{
    public string CName { get; } = cName;

    /// <summary>Only the leading fields are mirrored (we read them, never allocate the struct).</summary>
    public bool Prefix { get; init; }
}
