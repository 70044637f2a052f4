namespace Crayon.Server.Hosting;

/// <summary>
/// Where the API key comes from, read one way whatever its source: --api-key when given, else
/// $CRAYON_API_KEY when set. An empty or blank key is refused from either (it would silently serve
/// without a key, or with one no client can send); surrounding whitespace is refused too, since the
/// Authorization header's value is trimmed and such a key could never authenticate.
/// </summary>
public static class ApiKeySource
{
    public const string Variable = "CRAYON_API_KEY";

    /// <param name="flag">--api-key as given (null when absent, "" when given empty).</param>
    /// <param name="environment">$CRAYON_API_KEY (null when unset).</param>
    public static string? Resolve(string? flag, string? environment)
    {
        if (flag is not null) return Check(flag, "--api-key");
        return environment is null ? null : Check(environment, "$" + Variable);
    }

    /// <summary>Null (no key) passes; anything else must be a usable key.</summary>
    public static string? Check(string? key, string source = "the API key")
    {
        if (key is null) return null;
        if (key.Trim().Length == 0)
            throw new ArgumentException($"{source} is empty or blank; give a key, or leave it out (and unset ${Variable}) to serve without one");
        if (key.Trim().Length != key.Length)
            throw new ArgumentException($"{source} starts or ends with whitespace, which a client's 'Authorization: Bearer <key>' header cannot carry");
        if (key.Any(char.IsControl))
            throw new ArgumentException($"{source} holds a control character, which an HTTP header cannot carry");
        return key;
    }
}
