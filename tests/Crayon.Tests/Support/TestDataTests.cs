using NUnit.Framework;

namespace Crayon.Tests.Support;

public class TestDataTests
{
    [Test]
    public void SharedDataIsFoundBesideTheCheckout()
    {
        var stories = TestData.Require("models/stories260K.bin");
        Assert.That(new FileInfo(stories).Length, Is.EqualTo(1_056_540));
    }
}
