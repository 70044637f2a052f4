using System.Runtime.InteropServices;
using Crayon.Formats.Gguf;
using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// Fine-tunes a model's weights in place with llama.cpp's trainer: next-token cross-entropy over
/// windows of a token stream, AdamW or SGD, on the tensors <see cref="TrainingOptions.Trainable"/>
/// picks. The model must be F32 in those tensors and loaded without mmap (from memory, or with
/// <see cref="LlamaModelOptions.UseMmap"/> false), since training writes its weights. One trainer per
/// model at a time; llama.cpp also sets the model's training context length to the window.
/// </summary>
public sealed unsafe class LlamaTrainer : IDisposable
{
    private readonly LlamaContext _context;
    private readonly TrainingOptions _options;
    private GCHandle _self;
    private int _epoch;

    public LlamaTrainer(LlamaModel model, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        if (options.Window < 256 || options.Window % 256 != 0)
            throw new ArgumentException($"the training window must be a multiple of 256 tokens (llama.cpp pads contexts to 256), got {options.Window}");
        if (!(options.LearningRate > 0) || !double.IsFinite(options.LearningRate)) throw new ArgumentException($"the learning rate must be positive, got {options.LearningRate}");
        if (!(options.ValidationSplit is >= 0 and < 1)) throw new ArgumentException($"the validation split must be in [0, 1), got {options.ValidationSplit}");
        if (model.IsMemoryMapped)
            throw new InvalidOperationException($"model '{model.Name}' is memory-mapped, so its weights are read-only; load it with UseMmap = false (or from memory) to train it");
        var trainable = model.Layout.Tensors.Select(t => t.Info)
            .Where(t => t.Name != "token_embd.weight" && (options.Trainable?.Invoke(t.Name) ?? true))
            .ToList();
        if (trainable.Count == 0) throw new ArgumentException($"no tensor of model '{model.Name}' passes the trainable filter");
        var notF32 = trainable.Where(t => t.Type != GgmlType.F32).Select(t => $"{t.Name} ({GgmlTypeTraits.NameOf(t.Type)})").ToList();
        if (notF32.Count > 0)
            throw new ArgumentException($"llama.cpp trains F32 tensors only; these are not: {string.Join(", ", notF32.Take(5))}{(notF32.Count > 5 ? ", ..." : "")}");
        Model = model;
        _context = new LlamaContext(model, new LlamaContextOptions { ContextLength = options.Window, BatchSize = options.Window, Threads = options.Threads }, training: true);
        _self = GCHandle.Alloc(this);
        var parameters = new LlamaOptParams
        {
            n_ctx_train = (uint)options.Window,
            param_filter = &Filter,
            param_filter_ud = GCHandle.ToIntPtr(_self),
            get_opt_pars = &OptimizerParameters,
            get_opt_pars_ud = GCHandle.ToIntPtr(_self),
            optimizer_type = options.Sgd ? LlamaOptParams.OptimizerSgd : LlamaOptParams.OptimizerAdamW,
        };
        LlamaApi.llama_opt_init(_context.Handle, model.Handle, parameters);
    }

    public LlamaModel Model { get; }

    /// <summary>One pass over the windows of <paramref name="tokens"/> (shuffled by llama.cpp); returns the epoch's losses.</summary>
    public TrainingEpoch TrainEpoch(ReadOnlySpan<int> tokens)
    {
        var window = _options.Window;
        var stride = _options.ResolveStride();
        if (tokens.Length < window + 1)
            throw new ArgumentException($"training needs at least {window + 1} tokens (one window and its next token), got {tokens.Length}");
        foreach (var token in tokens)
            if ((uint)token >= (uint)Model.VocabularySize)
                throw new ArgumentException($"token {token} is outside the model's vocabulary of {Model.VocabularySize}");
        var windows = (tokens.Length - window - 1) / stride + 1;
        var split = (long)Math.Floor(windows * (1 - _options.ValidationSplit));
        if (split < 1) throw new ArgumentException($"{windows} windows leave none to train on after a validation split of {_options.ValidationSplit}");

        var dataset = GgmlApi.ggml_opt_dataset_init(GgmlConstants.TypeI32, GgmlConstants.TypeI32, window, window, windows, 1);
        var train = GgmlApi.ggml_opt_result_init();
        var validation = GgmlApi.ggml_opt_result_init();
        try
        {
            var data = new Span<int>((void*)GgmlApi.ggml_opt_dataset_data(dataset)->data, windows * window);
            var labels = new Span<int>((void*)GgmlApi.ggml_opt_dataset_labels(dataset)->data, windows * window);
            for (var w = 0; w < windows; w++)
            {
                tokens.Slice(w * stride, window).CopyTo(data.Slice(w * window, window));
                tokens.Slice(w * stride + 1, window).CopyTo(labels.Slice(w * window, window));
            }
            var registry = Model.Handle.AdapterRegistryLock;
            registry.EnterReadLock();
            try { LlamaApi.llama_opt_epoch(_context.Handle, dataset, train, validation, split, IntPtr.Zero, IntPtr.Zero); }
            finally { registry.ExitReadLock(); }
            _epoch++;
            return new TrainingEpoch(_epoch, Loss(train), split < windows ? Loss(validation) : null);
        }
        finally
        {
            GgmlApi.ggml_opt_result_free(train);
            GgmlApi.ggml_opt_result_free(validation);
            GgmlApi.ggml_opt_dataset_free(dataset);
        }
    }

    private static double Loss(IntPtr result)
    {
        double loss, uncertainty;
        GgmlApi.ggml_opt_result_loss(result, &loss, &uncertainty);
        return loss;
    }

    [UnmanagedCallersOnly]
    private static byte Filter(GgmlTensor* tensor, IntPtr userData)
    {
        try
        {
            var trainer = (LlamaTrainer)GCHandle.FromIntPtr(userData).Target!;
            var name = Marshal.PtrToStringUTF8((IntPtr)tensor->name) ?? "";
            return trainer._options.Trainable?.Invoke(name) ?? true ? (byte)1 : (byte)0;
        }
        catch
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static GgmlOptOptimizerParams OptimizerParameters(IntPtr userData)
    {
        var parameters = GgmlApi.ggml_opt_get_default_optimizer_params(IntPtr.Zero);
        try
        {
            var options = ((LlamaTrainer)GCHandle.FromIntPtr(userData).Target!)._options;
            parameters.adamw.alpha = parameters.sgd.alpha = (float)options.LearningRate;
            parameters.adamw.wd = parameters.sgd.wd = (float)options.WeightDecay;
        }
        catch
        {
            // Keep ggml's defaults rather than throw into native code.
        }
        return parameters;
    }

    public void Dispose()
    {
        _context.Dispose();
        if (_self.IsAllocated) _self.Free();
    }
}
