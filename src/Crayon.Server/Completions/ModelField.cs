using Crayon.Server.Http;

namespace Crayon.Server.Completions;

/// <summary>"model" is optional (one model is served); when given it must name that model.</summary>
public static class ModelField
{
    public static void Check(JsonFields f, string modelId)
    {
        var model = f.OptionalString("model", 512);
        if (model is not null && model.Length > 0 && !string.Equals(model, modelId, StringComparison.Ordinal))
            throw new ApiException(404, $"model '{model}' is not served here; this server serves '{modelId}' (see GET /v1/models)", "model", code: "model_not_found");
    }
}
