namespace Crayon.Server.Protocol;

/// <summary>OpenAI's error envelope: {"error": {"message", "type", "param", "code"}}.</summary>
public sealed record ErrorBody(ErrorDetail Error);

public sealed record ErrorDetail(string Message, string Type, string? Param, string? Code);
