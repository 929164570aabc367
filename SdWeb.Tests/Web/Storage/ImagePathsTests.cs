using SdWeb.Options;
using SdWeb.Storage;

namespace SdWeb.Tests.Web.Storage;

[Layer(Layer.Web)]
public class ImagePathsTests
{
    private readonly ImagePaths _paths = new(new SdWebOptions { DataDir = "/srv/sd" });

    [Fact]
    public void ResolvesStoredPathsInsideTheDataFolder() =>
        Assert.Equal("/srv/sd/images/2026/01/02/x.png", _paths.Full("images/2026/01/02/x.png"));

    [Theory]
    [InlineData("../etc/passwd")]
    [InlineData("images/../../etc/passwd")]
    [InlineData("/etc/passwd")]
    public void RefusesPathsThatLeaveTheDataFolder(string stored)
    {
        var e = Assert.Throws<InvalidOperationException>(() => _paths.Full(stored));
        Assert.Equal($"Stored image path '{stored}' leads outside the data folder; refusing it.", e.Message);
    }
}
