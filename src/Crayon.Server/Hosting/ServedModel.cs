using Crayon.Llama;

namespace Crayon.Server.Hosting;

/// <summary>The model the server answers with and its pool of contexts.</summary>
public sealed class ServedModel : IDisposable
{
    private ServedModel(string id, LlamaModel model, LlamaEngine engine, int contextLength, long created)
    {
        Id = id;
        Model = model;
        Engine = engine;
        ContextLength = contextLength;
        Created = created;
        var template = LlamaChatTemplate.Of(model);
        ChatTemplate = template is { IsSupported: true } ? template : null;
        HasUnsupportedTemplate = template is { IsSupported: false };
    }

    /// <summary>Unix seconds: when the model file was last written (or, for an image in memory, when it was loaded).</summary>
    public long Created { get; }

    /// <summary>The GGUF's own chat template when llama.cpp can render it; null: chat uses the plain transcript.</summary>
    public LlamaChatTemplate? ChatTemplate { get; }

    /// <summary>The GGUF has a template llama.cpp does not recognise (chat falls back to the transcript).</summary>
    public bool HasUnsupportedTemplate { get; }

    /// <summary>The name clients use in "model".</summary>
    public string Id { get; }
    public LlamaModel Model { get; }
    public LlamaEngine Engine { get; }
    public int ContextLength { get; }

    public static ServedModel Load(CrayonServerOptions options)
    {
        var modelOptions = new LlamaModelOptions { Backend = options.Backend, GpuLayers = options.GpuLayers };
        var model = options.ModelPath is { } path
            ? LlamaModel.Load(path, modelOptions)
            : LlamaModel.Load(options.ModelImage!.Value, options.ModelId ?? "model", modelOptions);
        try
        {
            var contextLength = Math.Min(options.ContextLength, model.TrainContextLength > 0 ? model.TrainContextLength : options.ContextLength);
            var engine = new LlamaEngine(model, new LlamaEngineOptions
            {
                MaxContexts = options.Contexts,
                Context = new LlamaContextOptions { ContextLength = contextLength, Threads = options.Threads },
            });
            var id = options.ModelId ?? (options.ModelPath is { } p ? Path.GetFileNameWithoutExtension(p) : "model");
            var created = options.ModelPath is { } file ? new DateTimeOffset(File.GetLastWriteTimeUtc(file)).ToUnixTimeSeconds() : DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            try { return new ServedModel(id, model, engine, contextLength, created); }
            catch { engine.Dispose(); throw; }
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        Engine.Dispose();
        Model.Dispose();
    }
}
