using Crayon.Importers.Llama2c;
using Crayon.Models;
using Crayon.Tests.Support;
using NUnit.Framework;

namespace Crayon.Tests.Pool;

/// <summary>
/// The fingerprint a pool records of its model, on two real models: the shared tiny GGUF and stories260K as the importer
/// writes it (here, beside the importer, so that the runtime tests need no training code).
/// </summary>
public class ModelFingerprintTests : TempFolderTest
{
    [Test]
    public void FingerprintsTellModelsApartAndRepeat()
    {
        var tiny = TestData.Require("models/llama-2-tiny-random.gguf");
        var stories = PathIn("s.gguf");
        Llama2cImporter.Import(TestData.Require("models/stories260K.bin"), TestData.Require("models/tok512.bin"), stories);
        Assert.That(ModelFingerprint.Of(tiny), Is.EqualTo(ModelFingerprint.Of(tiny)));
        Assert.That(ModelFingerprint.Of(tiny), Is.Not.EqualTo(ModelFingerprint.Of(stories)));
        Assert.That(ModelFingerprint.Of(tiny), Has.Length.EqualTo(64));
    }
}
