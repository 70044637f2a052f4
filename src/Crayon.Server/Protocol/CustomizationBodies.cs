namespace Crayon.Server.Protocol;

/// <summary>POST /v1/crayon/customizations: the id to send as "crayon": {"customization": id}.</summary>
public sealed record CustomizationBody(string Id, string Object, string Pool, int Adapters);
