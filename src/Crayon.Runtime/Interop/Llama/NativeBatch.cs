using System.Runtime.InteropServices;

namespace Crayon.Interop.Llama;

/// <summary>
/// A llama_batch whose arrays live in native memory we own (one allocation per array, reused across
/// decodes). Every token goes to sequence 0 unless told otherwise.
/// </summary>
internal sealed unsafe class NativeBatch : IDisposable
{
    private readonly int _capacity;
    private int* _tokens;
    private int* _positions;
    private int* _seqCounts;
    private int** _seqIds;
    private int* _seqIdStorage;
    private sbyte* _outputs;

    public NativeBatch(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _capacity = capacity;
        _tokens = (int*)NativeMemory.Alloc((nuint)capacity, sizeof(int));
        _positions = (int*)NativeMemory.Alloc((nuint)capacity, sizeof(int));
        _seqCounts = (int*)NativeMemory.Alloc((nuint)capacity, sizeof(int));
        _seqIds = (int**)NativeMemory.Alloc((nuint)capacity, (nuint)sizeof(int*));
        _seqIdStorage = (int*)NativeMemory.Alloc((nuint)capacity, sizeof(int));
        _outputs = (sbyte*)NativeMemory.Alloc((nuint)capacity);
        for (var i = 0; i < capacity; i++) _seqIds[i] = _seqIdStorage + i;
    }

    public int Capacity => _capacity;

    public int Count { get; private set; }

    public void Clear() => Count = 0;

    public void Add(int token, int position, bool output, int sequence = 0)
    {
        if (Count >= _capacity) throw new InvalidOperationException($"batch is full ({_capacity} tokens)");
        _tokens[Count] = token;
        _positions[Count] = position;
        _seqCounts[Count] = 1;
        _seqIdStorage[Count] = sequence;
        _outputs[Count] = output ? (sbyte)1 : (sbyte)0;
        Count++;
    }

    public LlamaBatch ToNative() => new()
    {
        n_tokens = Count,
        token = _tokens,
        embd = null,
        pos = _positions,
        n_seq_id = _seqCounts,
        seq_id = _seqIds,
        logits = _outputs,
    };

    public void Dispose()
    {
        NativeMemory.Free(_tokens); _tokens = null;
        NativeMemory.Free(_positions); _positions = null;
        NativeMemory.Free(_seqCounts); _seqCounts = null;
        NativeMemory.Free(_seqIds); _seqIds = null;
        NativeMemory.Free(_seqIdStorage); _seqIdStorage = null;
        NativeMemory.Free(_outputs); _outputs = null;
    }
}
