namespace Crayon.Server.Protocol;

/// <summary>One entry of GET /lora-adapters (llama-server's shape).</summary>
public sealed record LoraAdapterBody(int Id, string Path, float Scale);

/// <summary>POST /lora-adapters answer (llama-server's shape).</summary>
public sealed record LoraApplyBody(bool Success);
