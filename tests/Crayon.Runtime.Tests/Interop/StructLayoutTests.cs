using System.Reflection;
using System.Runtime.InteropServices;
using Crayon.Interop.Llama;
using Crayon.Llama;
using NUnit.Framework;

namespace Crayon.Tests.Interop;

/// <summary>Our C# mirrors of llama.h/ggml.h structs and constants agree with the pinned headers, field by field.</summary>
public class StructLayoutTests
{
    private static readonly Dictionary<string, long> Constants = new()
    {
        ["GGML_TYPE_F32"] = GgmlConstants.TypeF32,
        ["GGML_TYPE_I8"] = GgmlConstants.TypeI8,
        ["GGML_STATUS_SUCCESS"] = 0,
        ["GGML_OP_ROPE"] = GgmlConstants.OpRope,
        ["GGML_LOG_LEVEL_DEBUG"] = GgmlConstants.LogLevelDebug,
        ["GGML_LOG_LEVEL_INFO"] = GgmlConstants.LogLevelInfo,
        ["GGML_LOG_LEVEL_WARN"] = GgmlConstants.LogLevelWarn,
        ["GGML_LOG_LEVEL_ERROR"] = GgmlConstants.LogLevelError,
        ["GGML_LOG_LEVEL_CONT"] = GgmlConstants.LogLevelCont,
        ["GGML_BACKEND_DEVICE_TYPE_CPU"] = GgmlConstants.DeviceTypeCpu,
        ["GGML_BACKEND_DEVICE_TYPE_GPU"] = GgmlConstants.DeviceTypeGpu,
        ["GGML_BACKEND_DEVICE_TYPE_IGPU"] = GgmlConstants.DeviceTypeIGpu,
        ["GGML_TYPE_F16"] = GgmlConstants.TypeF16,
        ["GGML_TYPE_BF16"] = 30,
        ["LLAMA_POOLING_TYPE_NONE"] = LlamaContextParams.PoolingNone,
        ["LLAMA_LOAD_MODE_NONE"] = LlamaModelParams.LoadModeNone,
        ["LLAMA_DEFAULT_SEED"] = 0xFFFFFFFF,
        ["GGML_TYPE_I32"] = GgmlOptApi.TypeI32,
        ["GGML_OPT_OPTIMIZER_TYPE_ADAMW"] = LlamaOptParams.OptimizerAdamW,
        ["LLAMA_FLASH_ATTN_TYPE_DISABLED"] = LlamaTrainingSession.FlashAttentionDisabled,
        ["GGML_OP_NONE"] = NativeTensor.OpNone,
        ["GGML_OPT_OPTIMIZER_TYPE_SGD"] = LlamaOptParams.OptimizerSgd,
    };

    private static IReadOnlyDictionary<string, long>? _probe;
    private static IReadOnlyDictionary<string, long> Probe => _probe ??= NativeLayoutProbe.Run(Constants.Keys);

    private static IEnumerable<Type> Structs() => NativeLayoutProbe.MirroredStructs();

    [TestCaseSource(nameof(Structs))]
    public void FieldOffsetsAndSizeMatchTheHeader(Type type)
    {
        var attribute = type.GetCustomAttribute<NativeStructAttribute>()!;
        Assert.Multiple(() =>
        {
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
                Assert.That((long)Marshal.OffsetOf(type, field.Name), Is.EqualTo(Probe[$"{attribute.CName}.{field.Name}"]),
                    $"offset of {attribute.CName}.{field.Name}");
            if (!attribute.Prefix)
                Assert.That((long)Marshal.SizeOf(type), Is.EqualTo(Probe[$"sizeof {attribute.CName}"]), $"sizeof {attribute.CName}");
        });
    }

    [Test]
    public void HardCodedConstantsMatchTheHeader()
    {
        Assert.Multiple(() =>
        {
            foreach (var (name, value) in Constants)
                Assert.That(Probe[$"const {name}"], Is.EqualTo(value), name);
        });
    }
}
