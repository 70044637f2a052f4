using System.Security.Cryptography;
using System.Text;

namespace Crayon.Server.Http;

/// <summary>
/// The optional API key ("Authorization: Bearer &lt;key&gt;"). Keys are compared as SHA-256 digests with
/// a fixed-time comparison, so neither the key's content nor its length shows in response times.
/// </summary>
public sealed class ApiKeyCheck(string key)
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    /// <exception cref="ApiException">401 when the header is missing, malformed or holds another key.</exception>
    public void Require(string? authorization)
    {
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(authorization))
            throw new ApiException(401, "this server needs an API key: send 'Authorization: Bearer <key>'", type: "authentication_error", code: "invalid_api_key");
        if (!authorization.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            throw new ApiException(401, "the Authorization header must be 'Bearer <key>'", type: "authentication_error", code: "invalid_api_key");
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(authorization[scheme.Length..].Trim()));
        if (!CryptographicOperations.FixedTimeEquals(given, _expected))
            throw new ApiException(401, "the API key is not valid", type: "authentication_error", code: "invalid_api_key");
    }
}
