using Crayon.Formats;
using Crayon.Formats.Safetensors;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Formats.Safetensors;

public class SafetensorsReaderTests
{
    [Test]
    public void ReadsTheRealPeftAdapterAsTheDataReadmeDescribes()
    {
        var path = TestData.Require("adapters/peft-smollm135m-medflash-5ep/adapter_model.safetensors");
        var file = SafetensorsReader.Read(path);
        Assert.That(file.Metadata, Is.EqualTo(new Dictionary<string, string> { ["format"] = "pt" }));
        Assert.That(file.Tensors, Has.Count.EqualTo(120));
        Assert.That(file.Tensors.Select(t => t.Dtype), Is.All.EqualTo(SafetensorsDtype.F32));
        var qa = file["base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"];
        Assert.That(qa.Shape, Is.EqualTo(new long[] { 16, 576 }));
        Assert.That(file["base_model.model.model.layers.29.self_attn.v_proj.lora_B.weight"].Shape, Is.EqualTo(new long[] { 192, 16 }));

        // The first tensor's floats start right after the 8-byte length and the 15,760-byte header.
        var raw = File.ReadAllBytes(path);
        Assert.That(BitConverter.ToUInt64(raw), Is.EqualTo(15_760UL));
        Assert.That(qa.ToFloat32()[..4], Is.EqualTo(Enumerable.Range(0, 4).Select(i => BitConverter.ToSingle(raw, 8 + 15_760 + 4 * i))));
    }

    [Test]
    public void HalfTypesConvertToFloat()
    {
        var half = new[] { (Half)1.5f, (Half)(-2f) }.SelectMany(h => BitConverter.GetBytes(BitConverter.HalfToUInt16Bits(h))).ToArray();
        var bf16 = new ushort[] { 0x3FC0, 0xC000 }.SelectMany(BitConverter.GetBytes).ToArray(); // 1.5, -2
        var file = SafetensorsReader.Read(new SafetensorsBuilder().Raw("h", "F16", [2], half).Raw("b", "BF16", [2], bf16).Build());
        Assert.That(file["h"].ToFloat32(), Is.EqualTo(new[] { 1.5f, -2f }));
        Assert.That(file["b"].ToFloat32(), Is.EqualTo(new[] { 1.5f, -2f }));
        Assert.That(() => SafetensorsReader.Read(new SafetensorsBuilder().Raw("i", "I32", [1], new byte[4]).Build())["i"].ToFloat32(),
            Throws.InstanceOf<NotSupportedException>().With.Message.Contains("I32"));
    }

    private static string Rejected(byte[] bytes) =>
        Assert.Throws<SafetensorsFormatException>(() => SafetensorsReader.Read(bytes, "bad.safetensors"))!.Message;

    private static byte[] WithHeader(string json, int dataBytes = 8) =>
        [.. BitConverter.GetBytes((ulong)System.Text.Encoding.UTF8.GetByteCount(json)), .. System.Text.Encoding.UTF8.GetBytes(json), .. new byte[dataBytes]];

    [Test]
    public void HeaderLengthAndJsonAreValidatedBeforeUse()
    {
        Assert.That(Rejected([1, 2, 3]), Does.Contain("bad.safetensors: header length").And.Contain("needs 8 bytes"));
        Assert.That(Rejected([.. BitConverter.GetBytes(ulong.MaxValue), 0]), Does.Contain("exceeds the limit of 100000000"));
        Assert.That(Rejected([.. BitConverter.GetBytes(500UL), .. "{}"u8]), Does.Contain("500 exceeds the 2 bytes after it"));
        Assert.That(Rejected(WithHeader("[1,2]")), Does.Contain("does not start with '{'"));
        Assert.That(Rejected(WithHeader("{\"a\": ")), Does.Contain("not valid JSON"));
        Assert.That(Rejected(WithHeader("{\"__metadata__\": {\"n\": 3}}", 0)), Does.Contain("__metadata__.n").And.Contain("expected a string"));
        Assert.That(Rejected(WithHeader("{\"t\": 1}")), Does.Contain("tensor 't'").And.Contain("must be an object"));
        Assert.That(Rejected([.. BitConverter.GetBytes(7UL), (byte)'{', (byte)'"', 0xff, (byte)'"', (byte)':', (byte)'1', (byte)'}']), Does.Contain("not valid UTF-8"));
    }

    [TestCase("{\"t\":{\"shape\":[2],\"data_offsets\":[0,8]}}", "has no 'dtype'")]
    [TestCase("{\"t\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", "dtype 'F33'")]
    [TestCase("{\"t\":{\"dtype\":\"4\",\"shape\":[2],\"data_offsets\":[0,8]}}", "dtype '4'")]
    [TestCase("{\"t\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", "shape dimension 0 is -2")]
    [TestCase("{\"t\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", "needs 12 bytes but data_offsets span 8")]
    [TestCase("{\"t\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "do not lie within the 8-byte data buffer")]
    [TestCase("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", "expected [begin, end]")]
    [TestCase("{\"t\":{\"dtype\":\"F32\",\"shape\":[2147483648,2147483648],\"data_offsets\":[0,8]}}", "needs 18446744073709551616 bytes")]
    [TestCase("{\"t\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}", "element count overflows 64 bits")]
    [TestCase("{\"\\udc00\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "not valid text")]
    [TestCase("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "leaving a gap after byte 0")]
    [TestCase("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", "overlaps")]
    [TestCase("{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", "is 8 bytes but the tensors cover 4")]
    [TestCase("{\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"t\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}", "appears twice")]
    public void TensorEntriesAreValidatedAgainstTheBuffer(string header, string expected) =>
        Assert.That(Rejected(WithHeader(header)), Does.Contain(expected));

    [Test]
    public void SafetensorsErrorsShareTheFormatErrorBase() =>
        Assert.That(() => SafetensorsReader.Read(new byte[3]), Throws.InstanceOf<FileFormatException>());
}
