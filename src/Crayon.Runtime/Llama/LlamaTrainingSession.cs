using Crayon.Interop.Llama;

namespace Crayon.Llama;

/// <summary>
/// One llama.cpp training run on a model loaded with writable weights: a context sized to one token
/// window, llama_opt_init with our tensor filter and optimizer schedule, and one window per
/// llama_opt_epoch call. Feeding windows one at a time keeps the order (shuffling), progress and
/// cancellation on our side; llama_opt_epoch itself never shuffles. Gradients are applied once per
/// window (n_batch = n_ubatch = window), so one step is one window.
/// What trains is either model tensors (chosen by name) or the factors of a LoRA adapter applied to
/// the context, which ggml-opt trains like any tensor flagged as a parameter.
/// llama_opt_init records the window as the model's n_ctx_train: the model must not be used for inference afterwards.
/// </summary>
internal sealed unsafe class LlamaTrainingSession : IDisposable
{
    /// <summary>llama.h LLAMA_FLASH_ATTN_TYPE_DISABLED.</summary>
    internal const int FlashAttentionDisabled = 0;

    private readonly SafeLlamaContextHandle _context = null!; // these three are null only while a failed constructor disposes
    private readonly TrainableTensorFilter _filter;
    private readonly OptimizerParamsCallback _optimizer;
    private readonly GradientAccumulatorReset _gradientReset;
    private readonly SafeGgmlOptDatasetHandle _window = null!;
    private readonly SafeGgmlOptResultHandle _result = null!;
    private readonly int _vocabularySize;
    private readonly int[] _tokens = [], _labels = []; // one datapoint: the window, then positions llama.cpp ignores
    private readonly List<NativeTensor> _trainable = [];

    /// <param name="trainableModelTensors">Which model tensors (by GGUF name) to train.</param>
    /// <param name="trainableAdapter">A loaded LoRA adapter (llama_adapter_lora*) whose factors to train instead, or zero.</param>
    public LlamaTrainingSession(SafeLlamaModelHandle model, int vocabularySize, int windowLength, int threads,
        Func<string, bool> trainableModelTensors, IntPtr trainableAdapter, Func<long, AdamWStep> schedule, int optimizer)
    {
        _vocabularySize = vocabularySize;
        var adapterFactors = trainableAdapter == IntPtr.Zero ? [] : LoraTensorDiscovery.Find(model, trainableAdapter);
        if (trainableAdapter != IntPtr.Zero && adapterFactors.Count == 0)
            throw new LlamaNativeException("none of the adapter's factors takes part in the model's graph");

        WindowLength = windowLength;
        var trainModel = trainableAdapter == IntPtr.Zero;
        _filter = new TrainableTensorFilter(name => trainModel && trainableModelTensors(name));
        _gradientReset = new GradientAccumulatorReset(() => _trainable.Select(t => t.Pointer).ToArray());
        _optimizer = new OptimizerParamsCallback(schedule, _gradientReset.BeforeStep);
        try
        {
            _context = CreateContext(model, windowLength, threads);
            // llama.cpp rounds a context up to a multiple of 256 tokens, and llama_opt_epoch reads datapoints of that
            // size; n_ctx_train = window makes it train on the first window tokens of each and ignore the rest.
            var contextLength = (int)LlamaApi.llama_n_ctx(_context);
            if (contextLength < windowLength)
                throw new LlamaNativeException($"llama.cpp made a context of {contextLength} tokens, less than the {windowLength}-token training window");
            if (trainableAdapter != IntPtr.Zero)
            {
                var scale = 1f;
                var adapter = trainableAdapter;
                if (LlamaApi.llama_set_adapters_lora(_context, &adapter, 1, &scale) != 0)
                    throw new LlamaNativeException("llama.cpp could not apply the adapter being trained");
                foreach (var factor in adapterFactors) factor.MarkTrainable();
            }
            SetComputeThreads();
            _window = SafeGgmlOptDatasetHandle.CreateTokenWindows(contextLength, 1);
            _tokens = new int[contextLength];
            _labels = new int[contextLength];
            _result = SafeGgmlOptResultHandle.Create();
            LlamaApi.llama_opt_init(_context, model, new LlamaOptParams
            {
                n_ctx_train = (uint)windowLength,
                param_filter = TrainableTensorFilter.Callback,
                param_filter_ud = _filter.UserData,
                get_opt_pars = OptimizerParamsCallback.Callback,
                get_opt_pars_ud = _optimizer.UserData,
                optimizer_type = optimizer,
            });
            if (_filter.Error is { } error) throw new InvalidOperationException($"the trainable-tensor filter failed: {error.Message}", error);
        }
        catch
        {
            Dispose();
            throw;
        }
        _trainable.AddRange(_filter.Accepted);
        _trainable.AddRange(adapterFactors);
    }

    public int WindowLength { get; }

    private static SafeLlamaContextHandle CreateContext(SafeLlamaModelHandle model, int windowLength, int threads)
    {
        var parameters = LlamaApi.llama_context_default_params();
        parameters.n_ctx = (uint)windowLength;
        parameters.n_batch = (uint)windowLength;
        parameters.n_ubatch = (uint)windowLength;
        parameters.n_seq_max = 1;
        parameters.n_threads = threads;
        parameters.n_threads_batch = threads;
        parameters.no_perf = 1;
        parameters.flash_attn_type = FlashAttentionDisabled; // FLASH_ATTN_EXT has no backward pass
        parameters.type_k = GgmlConstants.TypeF32; // OUT_PROD, used by the backward pass, has no F16 support
        parameters.type_v = GgmlConstants.TypeF32;
        LlamaLogBridge.ClearLastError();
        try
        {
            return SafeLlamaContextHandle.Create(model, parameters);
        }
        catch (LlamaNativeException e)
        {
            var reason = LlamaLogBridge.TakeLastError();
            throw new LlamaNativeException(e.Message + (reason is null ? "" : $": {reason}"));
        }
    }

    /// <summary>What trains: the accepted model tensors, or the adapter's factors.</summary>
    public IReadOnlyList<TrainableTensor> Trainable => _trainable.Select(t => new TrainableTensor(t.Name, t.Dimensions)).ToArray();

    public long Steps => _optimizer.Steps;

    /// <summary>Steps before which the gradient accumulators were zeroed (all but the first).</summary>
    public long GradientResets => _gradientReset.Resets;

    /// <summary>
    /// ggml_opt computes through the scheduler directly, so the CPU backend keeps whatever thread count it
    /// was last given: ggml's default of 4 unless a llama_decode set the context's. Four threads spinning in
    /// ggml_barrier on a 2-core machine made each step ~100x slower; one decode applies n_threads for good.
    /// </summary>
    private void SetComputeThreads()
    {
        using var batch = new NativeBatch(1);
        batch.Add(0, 0, output: true);
        var status = LlamaApi.llama_decode(_context, batch.ToNative());
        if (status != 0) throw new LlamaNativeException($"llama_decode failed with status {status} while preparing the training context");
    }

    /// <summary>One forward/backward pass and optimizer step on one window; returns the mean loss over its positions and the top-1 accuracy.</summary>
    public (double Loss, double Accuracy) TrainWindow(ReadOnlySpan<int> tokens, ReadOnlySpan<int> labels)
    {
        if (tokens.Length != WindowLength || labels.Length != WindowLength)
            throw new ArgumentException($"a training window holds {WindowLength} tokens and labels; got {tokens.Length} and {labels.Length}");
        tokens.CopyTo(_tokens);
        labels.CopyTo(_labels);
        _window.SetWindow(0, _tokens, _labels, _vocabularySize);
        _result.Reset();
        using (_gradientReset.Activate())
            LlamaApi.llama_opt_epoch(_context, _window, _result, IntPtr.Zero, idataSplit: 1, GradientAccumulatorReset.EpochCallback, IntPtr.Zero);
        if (_optimizer.Error is { } error) throw new InvalidOperationException($"the learning-rate schedule failed: {error.Message}", error);
        if (_result.Positions != WindowLength)
            throw new LlamaNativeException($"llama_opt_epoch trained {_result.Positions} of {WindowLength} positions" +
                (LlamaLogBridge.TakeLastError() is { } reason ? $": {reason}" : ""));
        return (_result.MeanLoss, _result.Accuracy);
    }

    /// <summary>The current (trained) values of a trainable tensor.</summary>
    public float[] Read(string name)
    {
        foreach (var t in _trainable)
            if (t.Name == name) return t.ReadFloats();
        throw new KeyNotFoundException($"tensor '{name}' is not being trained");
    }

    public void Dispose()
    {
        _context?.Dispose(); // frees the optimizer context first; the callbacks are not called after this
        _result?.Dispose();
        _window?.Dispose();
        _filter.Dispose();
        _optimizer.Dispose();
    }
}

/// <summary>A tensor being trained: its name and its dimensions innermost first (GGUF order).</summary>
internal sealed record TrainableTensor(string Name, long[] Dimensions);
